/**
 * MinHash signatures and LSH banding parameters for near-duplicate detection. Pure functions,
 * deterministic (fixed seeds, no Math.random), so signatures computed on different machines or
 * shards can be compared.
 *
 * Text → tokens: Unicode NFC, lower case; a token is a run of letters/digits/marks, except that
 * each character of a script written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer,
 * Myanmar, Tibetan) is a token by itself. So English gets word shingles and Chinese gets
 * character shingles, and mixed text gets both, with one rule. Punctuation and whitespace are
 * separators only (a re-wrapped or re-punctuated copy still matches).
 *
 * Shingles: k consecutive tokens (default k = 5: 5-word shingles for English, 5-character for
 * Chinese). A text with fewer than k tokens is one shingle of all its tokens. Each shingle is
 * hashed to 32 bits (FNV-1a per token, chained through murmur3's fmix32).
 *
 * Permutations: h_i(x) = fmix32(x XOR seed_i), seeds from splitmix32(seed) (default seed 1).
 * fmix32 is a bijection on u32 with full avalanche, so each h_i is a pseudo-random permutation.
 * signature[i] = min over shingles of h_i(x); P(sig_a[i] = sig_b[i]) = Jaccard(a, b).
 */

export interface MinHashOptions {
  /** Number of permutations = signature length (default 128). */
  numPerm?: number;
  /** Tokens per shingle (default 5). */
  shingleSize?: number;
  /** Seed of the permutation family (default 1). Signatures compare only under the same seed. */
  seed?: number;
}

export const MINHASH_DEFAULTS = { numPerm: 128, shingleSize: 5, seed: 1 } as const;

// Scripts written without spaces between words: one character, one token.
const NO_SPACE = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}\\p{Script=Tibetan}';
const TOKEN_RE = new RegExp(`[${NO_SPACE}]|(?:(?![${NO_SPACE}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');

/** Tokens of a text (see the module comment). */
export function tokenize(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(TOKEN_RE) ?? [];
}

/** murmur3's 32-bit finalizer: a bijection on u32 with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** 32-bit hashes of the k-token shingles of `text` (duplicates removed, in first-seen order). */
export function shingleHashes(text: string, k: number = MINHASH_DEFAULTS.shingleSize): Uint32Array {
  const toks = tokenize(text);
  if (toks.length === 0) return new Uint32Array(0);
  const th = toks.map(fnv1a);
  const n = Math.max(1, th.length - k + 1);
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let h = 0x9e3779b9;
    const end = Math.min(i + k, th.length);
    for (let j = i; j < end; j++) h = fmix32(h ^ th[j]!);
    if (!seen.has(h)) {
      seen.add(h);
      out.push(h);
    }
  }
  return Uint32Array.from(out);
}

/** splitmix32: a tiny deterministic generator for the permutation seeds. */
export function permutationSeeds(numPerm: number, seed: number): Uint32Array {
  const out = new Uint32Array(numPerm);
  let s = seed >>> 0;
  for (let i = 0; i < numPerm; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    out[i] = (z ^ (z >>> 15)) >>> 0;
  }
  return out;
}

const seedCache = new Map<string, Uint32Array>();
function seedsFor(numPerm: number, seed: number): Uint32Array {
  const key = `${numPerm}:${seed}`;
  let s = seedCache.get(key);
  if (!s) seedCache.set(key, (s = permutationSeeds(numPerm, seed)));
  return s;
}

/** MinHash signature of precomputed shingle hashes. All 0xffffffff when there are no shingles. */
export function signatureOfShingles(shingles: Uint32Array, opts: MinHashOptions = {}): Uint32Array {
  const numPerm = opts.numPerm ?? MINHASH_DEFAULTS.numPerm;
  const seeds = seedsFor(numPerm, opts.seed ?? MINHASH_DEFAULTS.seed);
  const sig = new Uint32Array(numPerm).fill(0xffffffff);
  for (let j = 0; j < shingles.length; j++) {
    const x = shingles[j]!;
    for (let i = 0; i < numPerm; i++) {
      // fmix32 inlined: this loop is the whole cost of near-dedup.
      let h = x ^ seeds[i]!;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 0;
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

/** MinHash signature of a text: the function another engineer shards across machines. */
export function minhashSignature(text: string, opts: MinHashOptions = {}): Uint32Array {
  return signatureOfShingles(shingleHashes(text, opts.shingleSize ?? MINHASH_DEFAULTS.shingleSize), opts);
}

/** Fraction of equal positions: the MinHash estimate of Jaccard similarity. */
export function estimateJaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`signatures differ in length (${a.length} vs ${b.length})`);
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return eq / a.length;
}

/** Exact Jaccard similarity of two sets of shingle hashes (for tests and audits). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  const sa = new Set(a);
  let inter = 0;
  const sb = new Set(b);
  for (const x of sb) if (sa.has(x)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 1 : inter / union;
}

export interface LshParams {
  bands: number;
  rows: number;
  /** (1/b)^(1/r): where the S-curve is steepest, about where P(candidate) crosses 1/2. */
  knee: number;
  falsePositiveArea: number;
  falseNegativeArea: number;
}

/** P(two records with Jaccard s share at least one band) = 1 - (1 - s^r)^b: the S-curve. */
export function candidateProbability(s: number, bands: number, rows: number): number {
  return 1 - (1 - s ** rows) ** bands;
}

function integrate(f: (x: number) => number, a: number, b: number): number {
  // Simpson's rule, 200 intervals: enough for these smooth curves, and deterministic.
  const n = 200;
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return (sum * h) / 3;
}

/**
 * Bands × rows for a threshold, by datasketch's `_optimal_param` criterion: among all
 * b·r ≤ numPerm, the pair minimising  fpWeight · (area under the S-curve below the threshold)
 * + (1 − fpWeight) · (area above the curve beyond it). datasketch weights both 0.5, which puts
 * the curve's knee above the threshold (t = 0.8 → 9 × 13: a pair at J = 0.8 is found with
 * p ≈ 0.40). Here every candidate is verified on its signature, so a false positive only costs
 * one comparison while a false negative is a duplicate kept: default fpWeight = 0.1
 * (t = 0.8 → 14 × 9: found with p ≈ 0.87 at J = 0.8, 0.98 at 0.85; J = 0.7 pairs become
 * candidates with p ≈ 0.44 and are turned away by verification).
 */
export function optimalLshParams(threshold: number, numPerm: number, fpWeight = 0.1): LshParams {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`near-dedup threshold must be in (0, 1), got ${threshold}`);
  if (!(Number.isInteger(numPerm) && numPerm >= 1)) throw new RangeError(`numPerm must be a positive integer, got ${numPerm}`);
  let best: LshParams | undefined;
  let bestErr = Infinity;
  for (let b = 1; b <= numPerm; b++) {
    for (let r = 1; r * b <= numPerm; r++) {
      const fp = integrate((s) => candidateProbability(s, b, r), 0, threshold);
      const fn = integrate((s) => 1 - candidateProbability(s, b, r), threshold, 1);
      const err = fpWeight * fp + (1 - fpWeight) * fn;
      if (err < bestErr - 1e-12) {
        bestErr = err;
        best = { bands: b, rows: r, knee: (1 / b) ** (1 / r), falsePositiveArea: fp, falseNegativeArea: fn };
      }
    }
  }
  return best!;
}
