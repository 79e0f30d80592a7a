/**
 * Seeded randomness for converters and mixing: the same seed gives the same choices on any
 * machine and in any number of ranks, because each record's generator is derived from the seed
 * and the record's position (file name and line/index), not from how many records came before.
 */
import { basename } from 'node:path';
import type { SourcePos } from '../../core/types.js';

/** FNV-1a over the UTF-16 code units of a string: a 32-bit seed from a key. */
export function hash32(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export type Rng = () => number;

/** sfc32 (Chris Doty-Humphrey's small fast counter): uniform floats in [0, 1). */
export function seededRng(seed: number | string): Rng {
  const key = String(seed);
  let a = hash32(key, 0x9e3779b9);
  let b = hash32(key, 0x243f6a88);
  let c = hash32(key, 0xb7e15162);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // mix the state before the first draw
  return next;
}

/** The generator of one record: seed, file name, position and an optional sub-key (an instance). */
export function recordRng(seed: number | undefined, source: SourcePos, sub = ''): Rng {
  return seededRng(`${seed ?? 42}|${basename(source.file)}|${source.line ?? ''}|${source.index ?? ''}|${sub}`);
}

/** Python's `random.choices(items, weights)[0]`: bisect the cumulative weights at rng() * total. */
export function weightedChoice<T>(items: readonly T[], weights: readonly number[], rng: Rng): T {
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) cum.push((total += w));
  const x = rng() * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return items[lo]!;
}
