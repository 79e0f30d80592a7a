/**
 * Reading a judge's verdict the way each judge's own code reads it, except that what their code
 * would score 0 or -1 (nothing found) or crash on (a non-number) is `undefined` here: the caller
 * asks again and finally rejects the record, never scoring it.
 */

/** Python's float() on a stripped string, finite values only ("7", "7.5", "7.", ".5", "1e1"). */
export function pyFloat(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}

/**
 * Auto-J's `extract_single_rating` (codes/usage/example.py): the last "Rating: [[", the first "]]"
 * after it, float() of what lies between.
 */
export function parseAutojRating(text: string): number | undefined {
  const open = 'Rating: [[';
  const pos = text.lastIndexOf(open);
  if (pos < 0) return undefined;
  const end = text.indexOf(']]', pos);
  if (end < 0) return undefined;
  return pyFloat(text.slice(pos + open.length, end));
}

export type PairVerdict = 'A' | 'B' | 'tie';

/**
 * Auto-J's `extract_pariwise_result`: after the last "final decision is ", lower-cased and
 * stripped, "response 1" → A, "response 2" → B, "tie" → tie.
 */
export function parseAutojPair(text: string): PairVerdict | undefined {
  const t = text.trim();
  const key = 'final decision is ';
  const pos = t.lastIndexOf(key);
  if (pos < 0) return undefined;
  const rest = t
    .slice(pos + key.length)
    .trim()
    .toLowerCase();
  if (rest.startsWith('response 1')) return 'A';
  if (rest.startsWith('response 2')) return 'B';
  if (rest.startsWith('tie')) return 'tie';
  return undefined;
}

/**
 * FastChat's single-answer grading (fastchat/llm_judge/common.py `run_judge_single`): the first
 * `[[number]]`, else the first `[number]`, read with ast.literal_eval.
 */
export function parseMtbenchRating(text: string): number | undefined {
  const m = /\[\[(\d+\.?\d*)\]\]/.exec(text) ?? /\[(\d+\.?\d*)\]/.exec(text);
  if (!m) return undefined;
  const s = m[1]!;
  // literal_eval refuses a decimal integer with a leading zero ("07"): FastChat would crash there.
  if (/^0\d/.test(s) && !s.includes('.') && !/^0+$/.test(s)) return undefined;
  return Number(s);
}

/** FastChat's pairwise verdict (`run_judge_pair`, output format "[[A]]"): [[A]], else [[B]], else [[C]] = tie. */
export function parseMtbenchPair(text: string): PairVerdict | undefined {
  if (text.includes('[[A]]')) return 'A';
  if (text.includes('[[B]]')) return 'B';
  if (text.includes('[[C]]')) return 'tie';
  return undefined;
}
