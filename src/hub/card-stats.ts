/**
 * The card's statistics table, from `stats.json`. The file is another stage's output, so every
 * field is optional here: `sftforge stats --json` output (a StatsResult: `text`, `tokenized`,
 * `reference`, ...) gets a curated table; any other JSON object gets its numeric leaves.
 * MTLD is shown beside UltraChat's figure (the file's own `reference` row when it has one).
 */

/** UltraChat's MTLD (Ding et al., 2023, Table 4): the reference figure for chat data. */
export const ULTRACHAT_MTLD = 74.3;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function get(o: unknown, path: string): unknown {
  let cur = o;
  for (const k of path.split('.')) cur = isObj(cur) ? cur[k] : Array.isArray(cur) ? cur[Number(k)] : undefined;
  return cur;
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

export function fmtNum(n: number): string {
  return Number.isInteger(n) ? fmtInt(n) : String(Number(n.toFixed(3)));
}

/** A distribution summary as one cell: `mean 3.2 · p50 3 · p90 6 · max 12`. */
function dist(v: unknown): string | undefined {
  if (!isObj(v) || num(v.mean) === undefined) return undefined;
  return ['mean', 'p50', 'p90', 'p99', 'max']
    .filter((k) => num(v[k]) !== undefined)
    .map((k) => `${k} ${fmtNum(v[k] as number)}`)
    .join(' · ');
}

function ultrachatReference(stats: Obj): number {
  const refs = Array.isArray(stats.reference) ? stats.reference : [];
  const row = refs.find((r) => isObj(r) && typeof r.dataset === 'string' && /ultrachat/i.test(r.dataset));
  return num(isObj(row) ? row.mtld : undefined) ?? ULTRACHAT_MTLD;
}

export function statsRows(stats?: Obj): string[][] {
  if (!stats) return [];
  if (isObj(stats.text) || Array.isArray(stats.tokenized)) return sftforgeStatsRows(stats);
  return genericRows(stats);
}

function sftforgeStatsRows(s: Obj): string[][] {
  const ref = `UltraChat: ${fmtNum(ultrachatReference(s))}`;
  const t = s.text;
  const tok = Array.isArray(s.tokenized) ? s.tokenized[0] : undefined;
  const sample = num(get(s, 'options.sample'));
  const mtldUser = num(get(t, 'mtld.user.mean'));
  const mtldAsst = num(get(t, 'mtld.assistant.mean'));
  const d1 = num(get(t, 'distinct_1.ratio'));
  const d2 = num(get(t, 'distinct_2.ratio'));
  const share = num(get(tok, 'share_trained'));
  const rows: [string, string | undefined, string?][] = [
    ['dialogues measured', suffix(opt(num(get(s, 'population.measured')) ?? num(get(s, 'population.dialogues')), fmtInt), sample ? ` (sample of ${fmtInt(sample)})` : '')],
    ['turns per dialogue', dist(get(t, 'turns_per_dialogue'))],
    ['words per user message', dist(get(t, 'words_per_utterance.user'))],
    ['words per assistant message', dist(get(t, 'words_per_utterance.assistant'))],
    ['MTLD (mean per utterance)', opt(num(get(t, 'mtld.all.mean')), fmtNum), ref],
    ['MTLD user / assistant', mtldUser !== undefined && mtldAsst !== undefined ? `${fmtNum(mtldUser)} / ${fmtNum(mtldAsst)}` : undefined],
    ['distinct-1 / distinct-2', d1 !== undefined && d2 !== undefined ? `${fmtNum(d1)} / ${fmtNum(d2)}` : undefined],
    ['gzip ratio', opt(num(get(t, 'gzip.ratio')), fmtNum)],
    ['tokens per row', dist(get(tok, 'tokens_per_row'))],
    ['trained tokens per row', dist(get(tok, 'trained_tokens_per_row'))],
    ['sequences per row', dist(get(tok, 'sequences_per_row'))],
    ['tokens in total', opt(num(get(tok, 'tokens_total')), fmtInt)],
    ['trained tokens in total', suffix(opt(num(get(tok, 'trained_tokens_total')), fmtInt), share !== undefined ? ` (${(share * 100).toFixed(1)}%)` : '')],
  ];
  return rows.filter((r) => r[1] !== undefined).map(([k, v, r]) => [k, v!, r ?? '']);
}

function suffix(v: string | undefined, s: string): string | undefined {
  return v === undefined ? undefined : v + s;
}

function opt(v: number | undefined, f: (n: number) => string): string | undefined {
  return v === undefined ? undefined : f(v);
}

/** Any other JSON: numeric leaves two levels deep (e.g. `turns_per_dialogue.mean`). */
function genericRows(stats: Obj, limit = 40): string[][] {
  const rows: string[][] = [];
  const ref = `UltraChat: ${fmtNum(ultrachatReference(stats))}`;
  let mtldShown = false;
  const visit = (prefix: string, v: unknown, depth: number) => {
    if (rows.length >= limit) return;
    if (num(v) !== undefined) {
      const isMtld = !mtldShown && /(^|\.)mtld(\.mean)?$/i.test(prefix);
      if (isMtld) mtldShown = true;
      rows.push([prefix, fmtNum(v as number), isMtld ? ref : '']);
    } else if (isObj(v) && depth < 2) {
      for (const [k, x] of Object.entries(v)) visit(prefix ? `${prefix}.${k}` : k, x, depth + 1);
    }
  };
  visit('', stats, 0);
  return rows;
}
