/**
 * One training row shown in the card with the tokens the loss is computed on marked. Without
 * the tokenizer the row is shown as token ids; with a decoder each run is shown as text. Trained
 * runs are wrapped in ⟦ ⟧: a token is trained when its label is not -100 and its loss weight
 * (when the column exists) is above 0.
 */

export const TRAINED_OPEN = '⟦';
export const TRAINED_CLOSE = '⟧';
/** Enough to show a system prompt, a question and the start of an answer; cards stay readable. */
export const SAMPLE_MAX_TOKENS = 384;

export interface Run {
  trained: boolean;
  ids: number[];
}

function numbers(v: unknown): number[] | undefined {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) return undefined;
  return v as number[];
}

/** Splits a row's tokens into maximal runs of trained / untrained tokens. */
export function trainedRuns(row: Record<string, unknown>, maxTokens = SAMPLE_MAX_TOKENS): { runs: Run[]; total: number } | undefined {
  const ids = numbers(row.input_ids);
  if (!ids) return undefined;
  const labels = numbers(row.labels);
  const weights = numbers(row.loss_weights);
  const runs: Run[] = [];
  const n = Math.min(ids.length, maxTokens);
  for (let i = 0; i < n; i++) {
    const trained = (labels ? labels[i] !== -100 : false) && (weights ? (weights[i] ?? 0) > 0 : true);
    const last = runs[runs.length - 1];
    if (last && last.trained === trained) last.ids.push(ids[i]!);
    else runs.push({ trained, ids: [ids[i]!] });
  }
  return { runs, total: ids.length };
}

/** Renders runs as one line of text: untrained runs as they are, trained runs inside ⟦ ⟧. */
export function renderRuns(runs: Run[], decode?: (ids: number[]) => string): string {
  const mark = (r: Run, body: string) => (r.trained ? `${TRAINED_OPEN}${body}${TRAINED_CLOSE}` : body);
  if (!decode) return runs.map((r) => mark(r, r.ids.join(' '))).join(' ');
  // Decode growing prefixes and keep what each run adds: decoding a run alone would lose the
  // space a SentencePiece "▁" carries at its start, and split byte-level characters.
  const ids: number[] = [];
  let prev = '';
  return runs
    .map((r) => {
      ids.push(...r.ids);
      const full = decode(ids);
      const body = full.startsWith(prev) ? full.slice(prev.length) : decode(r.ids);
      prev = full;
      return mark(r, body);
    })
    .join('');
}

/** A fenced block that cannot be closed early by backticks inside the text. */
export function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}

/** The sample section's body (no heading), or undefined when the row has no token ids. */
export function sampleMarkdown(row: Record<string, unknown>, decode?: (ids: number[]) => string): string | undefined {
  const tr = trainedRuns(row);
  if (!tr) return undefined;
  const trained = tr.runs.filter((r) => r.trained).reduce((s, r) => s + r.ids.length, 0);
  let text: string;
  let decoded = false;
  try {
    text = renderRuns(tr.runs, decode);
    decoded = decode !== undefined;
  } catch {
    // A decoder that fails on this row is not worth failing the push: fall back to ids.
    text = renderRuns(tr.runs);
  }
  const shown = Math.min(tr.total, SAMPLE_MAX_TOKENS);
  const lines = [
    `Row \`${String(row.id ?? 0)}\`: ${tr.total} tokens${shown < tr.total ? ` (the first ${shown} shown)` : ''}, ` +
      `${trained} of the shown ones trained. ${decoded ? 'Text' : 'Token ids'} inside ${TRAINED_OPEN} ${TRAINED_CLOSE} ${decoded ? 'is' : 'are'} trained ` +
      '(label ≠ -100' +
      ('loss_weights' in row ? ', loss weight > 0' : '') +
      '); the rest is context only.',
  ];
  const segs = numbers(row.seq_lengths ?? row.seq_lens);
  if (segs && segs.length > 1) lines.push('', `This row packs ${segs.length} sequences of ${segs.join(', ')} tokens.`);
  lines.push('', fence(text + (shown < tr.total ? ' …' : ''), decoded ? 'text' : ''));
  return lines.join('\n');
}
