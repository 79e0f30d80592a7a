/**
 * MTLD (McCarthy & Jarvis 2010), bit-compatible with LexicalRichness 0.5.1 `mtld(threshold)`,
 * the implementation UltraChat used for its headline figure (paper Table 4: 74.3, "averaged over
 * each utterance with LexicalRichness").
 *
 * Where implementations differ (see ../shared/vectors/mtld_test_vectors.json):
 * - LexicalRichness closes a factor when the running TTR is `<=` the threshold and counts the
 *   unfinished tail as a partial factor `(1 - ttr) / (1 - threshold)`; a text that never closes a
 *   factor and has only unique tokens scores its own length (7 unique words -> 7).
 * - koRpus and kristopherkyle's `lexical_diversity` close a factor on `<` and ignore factors
 *   shorter than a minimum length (so "only unique terms in this little string" scores 0 there,
 *   7 here). We follow LexicalRichness because that is what the UltraChat figures mean.
 * - Tokenization is LexicalRichness's built-in `tokenize`, not `lexical_diversity.tokenize`
 *   (which keeps digits and quotes glued to words): the same tokens give the same MTLD in both
 *   for texts long enough to close factors, different tokens do not.
 */

/** Python's `str.split()` whitespace (str.isspace), which differs from JS `\s` (no U+FEFF; adds U+001C-U+001F, U+0085). */
const PY_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** `string.punctuation` minus '-', which is deleted before this split ever sees it. */
const PY_PUNCT = '!"#$%&\'()*+,./:;<=>?@\\[\\\\\\]^_`{|}~';
/** ASCII digits and the three dashes LexicalRichness deletes outright (no space: well-known -> wellknown). */
const DELETED = /[0-9\-\u2013\u2014]+/g;
const SEPARATORS = new RegExp(`[${PY_SPACE}${PY_PUNCT}]+`);

/**
 * LexicalRichness `tokenize(preprocess(text))`: lowercase, delete ASCII digits and `-` `–` `—`,
 * every ASCII punctuation character becomes a space, split on (Python) whitespace. Curly quotes
 * and other non-ASCII punctuation stay inside tokens ("don’t"), exactly as upstream.
 */
export function lexTokenize(text: string): string[] {
  const s = text.toLowerCase().replace(DELETED, '');
  const parts = s.split(SEPARATORS);
  // split() leaves an empty string at either end when the text starts/ends with a separator.
  let a = 0;
  let b = parts.length;
  if (b > 0 && parts[0] === '') a = 1;
  if (b > a && parts[b - 1] === '') b--;
  return a === 0 && b === parts.length ? parts : parts.slice(a, b);
}

/**
 * MTLD of a text with LexicalRichness's tokenizer.
 * Zero tokens (empty text, only digits or punctuation): returns 0. LexicalRichness raises
 * ZeroDivisionError there; callers that average per utterance skip such utterances and count them.
 */
export function mtld(text: string, threshold = 0.72): number {
  return mtldTokens(lexTokenize(text), threshold);
}

/** MTLD of an already tokenized text; same contract as {@link mtld}. Linear in the token count. */
export function mtldTokens(tokens: readonly string[], threshold = 0.72): number {
  const n = tokens.length;
  if (n === 0) return 0;
  // Intern tokens once: each pass then tests membership with an integer stamp array instead of
  // a Set of strings rebuilt per factor (same result, no hashing in the inner loop).
  const ids = new Int32Array(n);
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    let id = index.get(t);
    if (id === undefined) {
      id = index.size;
      index.set(t, id);
    }
    ids[i] = id;
  }
  return mtldIds(ids, index.size, threshold);
}

/** MTLD over interned token ids in [0, types). Exposed for callers that intern themselves. */
export function mtldIds(ids: Int32Array, types: number, threshold = 0.72): number {
  if (!(threshold > 0 && threshold < 1)) {
    throw new RangeError(`MTLD threshold must be between 0 and 1 exclusive, got ${threshold} (McCarthy & Jarvis recommend 0.66-0.75; UltraChat used 0.72)`);
  }
  const n = ids.length;
  if (n === 0) return 0;
  const stamp = new Int32Array(types);
  const forward = mtldPass(ids, types, threshold, false, stamp);
  stamp.fill(0);
  const backward = mtldPass(ids, types, threshold, true, stamp);
  // Python's statistics.mean of two floats is the correctly rounded (f+b)/2; halving is exact,
  // so this is the same double.
  return (forward + backward) / 2;
}

/** One direction of LexicalRichness `sub_mtld`, operation for operation (same float rounding). */
function mtldPass(ids: Int32Array, types: number, threshold: number, reverse: boolean, stamp: Int32Array): number {
  const n = ids.length;
  let factor = 1; // stamp value of the current factor: a type is "in the factor" when stamp[id] === factor
  let terms = 0;
  let count = 0;
  let factors = 0;
  let ttr = 0;
  for (let k = 0; k < n; k++) {
    const id = ids[reverse ? n - 1 - k : k]!;
    count++;
    if (stamp[id] !== factor) {
      stamp[id] = factor;
      terms++;
    }
    ttr = terms / count;
    if (ttr <= threshold) {
      count = 0;
      terms = 0;
      factor++;
      factors += 1;
    }
  }
  // Partial factor for the unfinished tail: how far its TTR is from 1 relative to the threshold.
  if (count > 0) factors += (1 - ttr) / (1 - threshold);
  // Never dropped to the threshold: 1 factor if every token is unique, else the partial share.
  if (factors === 0) {
    const whole = types / n;
    factors += whole === 1 ? 1 : (1 - whole) / (1 - threshold);
  }
  return n / factors;
}
