/**
 * Loss masks. A token is trained when its character range overlaps a trained span (an assistant
 * reply plus the end-of-turn marker that closes it): the rule of transformers'
 * `return_assistant_tokens_mask`. `labels` is `input_ids` where trained and -100 elsewhere;
 * `loss_weights` (OpenChat's C-RLFT form) carries the turn weight per trained token, 0 elsewhere.
 * A turn of weight 0 (the cleaning stage's unwanted-phrase mask) is not trained at all.
 */
import type { TrainedSpan } from './templates/types.js';
import { type Locator, overlapping } from './tokenizer/locator.js';

export const IGNORE_INDEX = -100;

export interface SpanTokens {
  span: TrainedSpan;
  /** Tokens [first, last) overlapping the span; first === last when none does. */
  first: number;
  last: number;
}

export interface Masked {
  labels: Int32Array;
  weights: Float32Array;
  /** Number of trained tokens. */
  trained: number;
  /** For every span of weight > 0, the tokens that overlap it (the mask check reads these). */
  runs: SpanTokens[];
}

/** Labels and weights from the tokens overlapping each trained span (a few lookups per span). */
export function buildMask(ids: Int32Array, loc: Locator, trained: readonly TrainedSpan[]): Masked {
  const n = ids.length;
  const labels = new Int32Array(n).fill(IGNORE_INDEX);
  const weights = new Float32Array(n);
  const runs: SpanTokens[] = [];
  let count = 0;
  for (const span of trained) {
    if (!(span.weight > 0) || span.end <= span.start) continue;
    const [first, last] = overlapping(loc, span.start, span.end);
    runs.push({ span, first, last });
    for (let i = first; i < last; i++) {
      if (labels[i] !== IGNORE_INDEX) continue;
      labels[i] = ids[i]!;
      weights[i] = span.weight;
      count++;
    }
  }
  return { labels, weights, trained: count, runs };
}
