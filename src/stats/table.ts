/** The short human table `sftforge stats` prints on stdout; every figure shows its sample size. */
import type { DistSummary, GroupStats, StatsResult, TextStats, TokenizedStats } from './types.js';

export interface SummaryRow {
  label: string;
  n: number;
  d: DistSummary;
}

/** The distribution rows shared by the stdout table and the HTML summary table. */
export function summaryRows(t: TextStats): SummaryRow[] {
  const row = (label: string, d: DistSummary): SummaryRow => ({ label, n: d.count, d });
  return [
    row('turns per dialogue', t.turns_per_dialogue),
    row('words per utterance, user', t.words_per_utterance.user),
    row('words per utterance, assistant', t.words_per_utterance.assistant),
    row('chars per utterance, user', t.chars_per_utterance.user),
    row('chars per utterance, assistant', t.chars_per_utterance.assistant),
    row('words per dialogue, user', t.words_per_dialogue.user),
    row('words per dialogue, assistant', t.words_per_dialogue.assistant),
    row('MTLD per utterance, all', t.mtld.all),
    row('MTLD per utterance, user', t.mtld.user),
    row('MTLD per utterance, assistant', t.mtld.assistant),
  ];
}

export function tokenizedRows(t: TokenizedStats): SummaryRow[] {
  const rows: SummaryRow[] = [
    { label: 'tokens per row', n: t.tokens_per_row.count, d: t.tokens_per_row },
    { label: 'trained tokens per row', n: t.trained_tokens_per_row.count, d: t.trained_tokens_per_row },
    { label: 'share trained per row', n: t.share_trained_per_row.count, d: t.share_trained_per_row },
  ];
  if (t.sequences_per_row) rows.push({ label: 'sequences per row', n: t.sequences_per_row.count, d: t.sequences_per_row });
  return rows;
}

/** A number for people: integers as is, others with 4 significant digits at most 2 decimals past them. */
export function fmt(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(4);
}

export function sampleNote(r: StatsResult): string {
  const p = r.population;
  const rej = Object.entries(p.rejected)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const sample = r.options.sample !== null ? `; sample of ${p.measured} (--sample ${r.options.sample} --seed ${r.options.seed})` : '';
  return `${p.measured} dialogues measured of ${p.dialogues} read${rej ? ` (rejected by the reader: ${rej})` : ''}${sample}`;
}

function distTable(rows: SummaryRow[]): string[] {
  const head = ['', 'n', 'mean', 'min', 'p50', 'p90', 'p99', 'max'];
  const body = rows.map((r) => [r.label, String(r.n), ...[r.d.mean, r.d.min, r.d.p50, r.d.p90, r.d.p99, r.d.max].map(fmt)]);
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
}

function groupLines(key: string, groups: GroupStats[]): string[] {
  const w = Math.min(48, Math.max(...groups.map((g) => g.key.length)));
  return [
    `  by ${key}:`,
    ...groups.map((g) => {
      const s = g.stats;
      // Paths keep their tail (the file name), other names their head.
      const name = g.key.length <= w ? g.key.padEnd(w) : key === 'source' ? '…' + g.key.slice(-(w - 1)) : g.key.slice(0, w - 1) + '…';
      return `    ${name}  dialogues ${String(s.dialogues).padStart(7)}  MTLD ${fmt(s.mtld.all.mean).padStart(7)} (n=${s.mtld.all.count})  distinct-2 ${fmt(s.distinct_2.ratio)}`;
    }),
  ];
}

export function renderTable(r: StatsResult): string {
  const out: string[] = [];
  const t = r.text;
  if (t) {
    out.push(`text: ${sampleNote(r)}`);
    out.push(...distTable(summaryRows(t)));
    const d = (name: string, s: TextStats['distinct_1']) => `  ${name}  ${fmt(s.ratio)}  (${s.unique} unique of ${s.total}${s.exact ? '' : ', HyperLogLog estimate'})`;
    out.push(d('distinct-1', t.distinct_1), d('distinct-2', t.distinct_2));
    out.push(`  gzip ratio  ${fmt(t.gzip.ratio)}  (${t.gzip.raw_bytes} bytes -> ${t.gzip.gzip_bytes}, n=${t.dialogues} dialogues)`);
    const ref = r.reference.map((x) => `${x.dataset} ${x.mtld}`).join(', ');
    out.push(`  MTLD ${fmt(t.mtld.all.mean)} (n=${t.mtld.all.count} utterances; ${t.mtld.all.empty} without words skipped) vs UltraChat Table 4: ${ref}`);
    for (const [key, groups] of Object.entries(r.groups)) out.push(...groupLines(key, groups));
  }
  for (const k of r.tokenized) {
    out.push(`tokenized ${k.path}: ${k.measured_rows} rows measured of ${k.rows}, ${k.tokens_total} tokens, ${(100 * k.share_trained).toFixed(1)}% trained`);
    out.push(...distTable(tokenizedRows(k)));
    out.push(`  rows split ${k.rows_split ?? 'unknown'}, rows truncated ${k.rows_truncated ?? 'unknown'} (from sftforge.json)`);
  }
  // Older JSON results have no quarantine field.
  const reported = (r.quarantine ?? []).filter((q) => q.report !== null);
  if (reported.length) {
    out.push('rejects by reason (from the run reports of the inputs):');
    for (const q of reported) {
      const reasons = Object.entries(q.rejects)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      out.push(`  ${q.input}: ${q.records_in ?? '?'} in, ${q.records_out ?? '?'} out, ${q.rejected} rejected${reasons ? ` (${reasons})` : ''}`);
    }
  }
  return out.join('\n');
}
