/**
 * Train/test routing as `datasets`' train_test_split sizes it: a fraction f takes ceil(f * n)
 * test records, a count takes that many; which ones is a seeded permutation (numpy's legacy
 * RandomState, as the mixer). Stratified by source, every source gives its own share: ceil of the
 * fraction of each, or a count spread in proportion to the sources' sizes (largest remainders).
 */
import { basename } from 'node:path';
import type { Conversation } from '../core/types.js';
import { hash32 } from '../io/formats/random.js';
import type { Amount } from './amounts.js';
import { LegacyRandomState } from './numpy_random.js';

export function stratumOf(rec: Conversation): string {
  return rec.dataset ?? (rec.source?.file ? basename(rec.source.file) : '');
}

/** Test records per stratum, given the strata's sizes (in first-seen order). */
export function testSizes(sizes: readonly number[], test: Amount): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (test.kind === 'fraction') return sizes.map((n) => Math.min(n, Math.ceil(test.value * n - 1e-9)));
  const want = Math.min(test.value, total);
  if (total === 0) return sizes.map(() => 0);
  const exact = sizes.map((n) => (want * n) / total);
  const out = exact.map(Math.floor);
  let left = want - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    if (out[i]! < sizes[i]!) {
      out[i]!++;
      left--;
    }
  }
  return out;
}

/** Which of a stratum's n records (by their order in it) go to test. */
export function testMask(n: number, t: number, seed: number, stratum: string): Uint8Array {
  const mask = new Uint8Array(n);
  const perm = new LegacyRandomState((seed ^ hash32(stratum)) >>> 0).permutation(n);
  for (let i = 0; i < t; i++) mask[perm[i]!] = 1;
  return mask;
}
