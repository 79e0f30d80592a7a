/** CPython's random (seed, random, sample) as the instruction templates and super_ni sampling use it: fixtures/python_random_vectors.json, from CPython 3.11. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyRandom } from '../../../src/io/formats/mt19937.js';
import { FIX } from './helpers.js';

const V = JSON.parse(readFileSync(`${FIX}/python_random_vectors.json`, 'utf8')) as {
  random: { seed: number; values: number[] }[];
  sample: { seed: number; n: number; k: number; value: number[]; then: number }[];
};

describe('PyRandom', () => {
  for (const r of V.random)
    it(`random.seed(${r.seed}); random.random() x5`, () => {
      const p = new PyRandom(r.seed);
      expect(r.values.map(() => p.random())).toEqual(r.values);
    });
  for (const s of V.sample)
    it(`random.seed(${s.seed}); random.sample(range(${s.n}), ${s.k}); random.random()`, () => {
      const p = new PyRandom(s.seed);
      expect(p.sample(s.n, s.k)).toEqual(s.value);
      expect(p.random()).toBe(s.then);
    });
});
