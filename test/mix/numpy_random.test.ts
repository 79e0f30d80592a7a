/** The mixer's sampling against numpy's own RandomState draws (fixtures/numpy_vectors.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LegacyRandomState } from '../../src/mix/numpy_random.js';
import { selectIndices } from '../../src/mix/sample.js';
import { ROOT } from '../helpers/paths.js';

const V = JSON.parse(readFileSync(join(ROOT, 'test/mix/fixtures/numpy_vectors.json'), 'utf8')) as {
  permutation: { seed: number; n: number; head: number[]; sum_sq: number }[];
  choice: { seed: number; n: number; k: number; value: number[] }[];
};

describe('numpy RandomState (legacy MT19937)', () => {
  for (const p of V.permutation) {
    it(`permutation(${p.n}) with seed ${p.seed}`, () => {
      const a = new LegacyRandomState(p.seed).permutation(p.n);
      expect([...a.subarray(0, 50)]).toEqual(p.head);
      let s = 0;
      a.forEach((v, i) => (s += i * v));
      expect(s).toBe(p.sum_sq);
    });
  }
  for (const c of V.choice) {
    it(`choice(${c.n}, ${c.k}, replace=False) with seed ${c.seed}`, () => {
      expect([...new LegacyRandomState(c.seed).sampleWithoutReplacement(c.n, c.k)]).toEqual(c.value);
    });
  }
});

describe('selectIndices (open-instruct select_samples)', () => {
  it('upsamples with full repeats in order plus the seeded extra rows', () => {
    const v = V.choice.find((c) => c.seed === 42 && c.n === 10)!;
    expect([...selectIndices(10, 24, 42)]).toEqual([...Array(10).keys(), ...Array(10).keys(), ...v.value]);
  });
  it('downsamples to a seeded sample without replacement; equal size keeps the order', () => {
    expect([...selectIndices(10, 4, 42)]).toEqual(V.choice.find((c) => c.seed === 42 && c.n === 10)!.value);
    expect([...selectIndices(5, 5, 1)]).toEqual([0, 1, 2, 3, 4]);
    expect(selectIndices(5, 0, 1)).toHaveLength(0);
    expect(() => selectIndices(0, 3, 1)).toThrow(/empty source/);
  });
});
