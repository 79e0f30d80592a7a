/**
 * Length handling (`--max-len`, `--chunk`).
 *
 * - `truncate` (OpenChat): cut at max-len, then drop trailing untrained tokens.
 * - `drop`: an over-long conversation is rejected (`too_long`).
 * - `split` (UltraLM, FastChat): cut at round boundaries (a round starts at a user turn) into
 *   segments of at most max-len tokens; every segment repeats the leading system turn(s), since the
 *   system prompt conditions every reply (FastChat's templates carry it in every sample too). Unlike
 *   FastChat's split_long_conversation.py, no round is lost: an overflow on the last round starts a
 *   new segment, and a round longer than max-len on its own becomes its own segment, truncated inside
 *   the reply (counted as `rounds_truncated`), whether it comes first, in the middle or last.
 */
import type { Turn } from '../core/types.js';
import { IGNORE_INDEX } from './mask.js';

export type ChunkMode = 'split' | 'truncate' | 'drop';

export interface TokenRow {
  ids: Int32Array;
  labels: Int32Array;
  weights: Float32Array;
}

export interface Truncated {
  row: TokenRow;
  /** Trained tokens removed by the cut. */
  lost: number;
  trained: number;
}

/** Cut to `maxLen` tokens, then drop trailing untrained tokens (nothing to learn from them). */
export function truncateRow(r: TokenRow, maxLen: number): Truncated {
  let end = Math.min(maxLen, r.ids.length);
  let trained = 0;
  for (let i = 0; i < end; i++) if (r.labels[i] !== IGNORE_INDEX) trained++;
  let total = trained;
  for (let i = end; i < r.ids.length; i++) if (r.labels[i] !== IGNORE_INDEX) total++;
  while (end > 0 && r.labels[end - 1] === IGNORE_INDEX) end--;
  return {
    row: { ids: r.ids.slice(0, end), labels: r.labels.slice(0, end), weights: r.weights.slice(0, end) },
    lost: total - trained,
    trained,
  };
}

export interface Rounds {
  /** Leading system turns, repeated in every segment. */
  preamble: number;
  /** Turn index ranges [from, to) of each round. */
  rounds: [number, number][];
}

/** A round starts at each user turn; what precedes the first user turn (after the system) is round 0. */
export function roundsOf(turns: readonly Turn[]): Rounds {
  let i = 0;
  while (i < turns.length && turns[i]!.role === 'system') i++;
  const preamble = i;
  const rounds: [number, number][] = [];
  let start = i;
  for (let k = i + 1; k < turns.length; k++) {
    if (turns[k]!.role === 'user') {
      rounds.push([start, k]);
      start = k;
    }
  }
  if (start < turns.length) rounds.push([start, turns.length]);
  return { preamble, rounds };
}

/**
 * Greedy plan: rounds in order, a new segment whenever the next round would overflow. `lens` are
 * estimated token counts per round, `preamble` the tokens every segment starts with. The estimate
 * is checked by tokenizing each segment; see `splitOversized`.
 */
export function planSegments(lens: readonly number[], preamble: number, maxLen: number): number[][] {
  const segs: number[][] = [];
  let cur: number[] = [];
  let est = preamble;
  lens.forEach((len, k) => {
    if (cur.length > 0 && est + len > maxLen) {
      segs.push(cur);
      cur = [];
      est = preamble;
    }
    cur.push(k);
    est += len;
  });
  if (cur.length) segs.push(cur);
  return segs;
}

/** A planned segment found too long once tokenized: its last round moves to a segment of its own. */
export function splitOversized(segs: number[][], tooLong: ReadonlySet<number>): number[][] {
  const out: number[][] = [];
  segs.forEach((s, i) => {
    if (tooLong.has(i) && s.length > 1) out.push(s.slice(0, -1), s.slice(-1));
    else out.push(s);
  });
  return out;
}

/** The turns of a segment: the preamble, then the rounds' turns. */
export function segmentTurns<T>(turns: readonly T[], r: Rounds, seg: readonly number[]): T[] {
  const out = turns.slice(0, r.preamble);
  for (const k of seg) {
    const [a, b] = r.rounds[k]!;
    for (let i = a; i < b; i++) out.push(turns[i]!);
  }
  return out;
}
