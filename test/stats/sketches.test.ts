import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Distribution } from '../../src/stats/quantiles.js';
import { DistinctCounter, HashSet64, hashString } from '../../src/stats/distinct.js';
import { Prng, Reservoir } from '../../src/stats/sample.js';
import { GzipMeter, GZIP_BLOCK } from '../../src/stats/gzip.js';
import { gzipSync } from 'node:zlib';

/** Nearest-rank quantile on the full sorted data: the definition the sketch approximates. */
function nearestRank(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil(p * s.length))) - 1]!;
}

describe('Distribution (log-bucket histogram)', () => {
  test('integers below 185: count, mean, min, max and quantiles are exact', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 184 }), { minLength: 1, maxLength: 2000 }), (vals) => {
        const d = new Distribution();
        for (const v of vals) d.add(v);
        const s = d.summary();
        expect(s.count).toBe(vals.length);
        expect(s.min).toBe(Math.min(...vals));
        expect(s.max).toBe(Math.max(...vals));
        expect(s.mean).toBeCloseTo(vals.reduce((a, b) => a + b, 0) / vals.length, 9);
        expect([s.p50, s.p90, s.p99]).toEqual([0.5, 0.9, 0.99].map((p) => nearestRank(vals, p)));
      }),
      { numRuns: 200 },
    );
  });

  test('any positive values: quantiles within 0.55% of the exact nearest-rank value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-3, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 1000 }), (vals) => {
        const d = new Distribution();
        for (const v of vals) d.add(v);
        for (const [p, q] of [0.5, 0.9, 0.99].map((p) => [p, d.quantiles([p])[0]!] as const)) {
          const exact = nearestRank(vals, p);
          expect(Math.abs(q - exact) / exact).toBeLessThanOrEqual(0.0055);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('memory is bounded by the value range, not the count', () => {
    const d = new Distribution();
    for (let i = 0; i < 200_000; i++) d.add((i * 7919) % 100_000);
    // 0 .. 1e5 spans ~17 doublings of 128 buckets each.
    expect((d as unknown as { buckets: Map<number, unknown> }).buckets.size).toBeLessThan(17 * 128 + 200);
    expect(d.count).toBe(200_000);
  });

  test('histogram bins add up to the count; small integer ranges get one bin per value', () => {
    const d = new Distribution();
    const vals = [2, 2, 4, 4, 4, 6, 10];
    for (const v of vals) d.add(v);
    const h = d.histogram();
    expect(h.integer).toBe(true);
    expect(h.edges).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(h.counts).toEqual([2, 0, 3, 0, 1, 0, 0, 0, 1]);
    // A long tail: 990 values 1..990 and 10 at 1e6. Bins cover [min, p99] and one overflow bin the rest.
    const wide = new Distribution();
    for (let i = 1; i <= 990; i++) wide.add(i);
    for (let i = 0; i < 10; i++) wide.add(1e6);
    const hw = wide.histogram(30);
    expect(hw.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(hw.overflow).toBe(true);
    expect(hw.counts.at(-1)).toBe(10);
    expect(hw.edges.at(-1)).toBe(1e6);
    expect(hw.edges.length).toBe(hw.counts.length + 1);
    // No tail: the last regular bin is closed, no overflow bin.
    const flat = new Distribution();
    for (let i = 0; i < 1000; i++) flat.add(i * 0.5);
    const hf = flat.histogram(30);
    expect(hf.overflow).toBe(false);
    expect(hf.counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  test('empty distribution reports zeros, and non-finite values are refused', () => {
    expect(new Distribution().summary()).toEqual({ count: 0, mean: 0, min: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(() => new Distribution().add(NaN)).toThrow(/not a finite number/);
  });

  test('clone is independent', () => {
    const a = new Distribution();
    a.add(1);
    const b = a.clone();
    b.add(100);
    expect(a.summary().max).toBe(1);
    expect(b.summary().max).toBe(100);
  });
});

describe('HashSet64', () => {
  test('agrees with a Set of the same keys through growth, including the (0, 0) key', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), { maxLength: 3000 }), (keys) => {
        const s = new HashSet64(4);
        const ref = new Set<string>();
        for (const [lo, hi] of keys) {
          const isNew = !ref.has(`${lo === 0 && hi === 0 ? 1 : lo},${hi}`);
          ref.add(`${lo === 0 && hi === 0 ? 1 : lo},${hi}`);
          expect(s.add(lo, hi)).toBe(isNew);
        }
        expect(s.size).toBe(ref.size);
        const c = s.clone();
        c.add(0xffffffff, 0xffffffff);
        expect(c.size).toBe(s.size + 1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('DistinctCounter', () => {
  const h = new Uint32Array(2);
  const add = (c: DistinctCounter, s: string) => {
    hashString(s, h);
    c.add(h[0]!, h[1]!);
  };

  test('exact below the cap', () => {
    const c = new DistinctCounter(1000);
    const words = Array.from({ length: 3000 }, (_, i) => `w${i % 700}`);
    for (const w of words) add(c, w);
    expect(c.summary()).toEqual({ unique: 700, total: 3000, ratio: 700 / 3000, exact: true });
  });

  test('past the cap the HyperLogLog estimate is within 3% and says so', () => {
    const c = new DistinctCounter(1000);
    for (let i = 0; i < 150_000; i++) add(c, `token-${i % 100_000}`);
    const s = c.summary();
    expect(s.exact).toBe(false);
    expect(s.total).toBe(150_000);
    expect(Math.abs(s.unique - 100_000) / 100_000).toBeLessThan(0.03);
  });

  test('clone under a smaller cap falls back to the estimate', () => {
    const c = new DistinctCounter(1000);
    for (let i = 0; i < 500; i++) add(c, `x${i}`);
    expect(c.clone(100).summary().exact).toBe(false);
    expect(c.clone(100).summary().unique).toBeGreaterThan(450);
    expect(c.clone().summary()).toEqual(c.summary());
  });
});

describe('seeded reservoir sampling', () => {
  test('same seed, same sample; another seed, another sample; kept in input order', () => {
    const run = (seed: number) => {
      const r = new Reservoir<number>(10, seed);
      for (let i = 0; i < 1000; i++) r.offer(i);
      return r.take();
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    const s = run(3);
    expect(s).toHaveLength(10);
    expect([...s].sort((a, b) => a - b)).toEqual(s);
  });

  test('fewer items than the size: all of them', () => {
    const r = new Reservoir<string>(10, 0);
    for (const x of ['a', 'b', 'c']) r.offer(x);
    expect(r.take()).toEqual(['a', 'b', 'c']);
    expect(r.seen).toBe(3);
  });

  test('roughly uniform: each of 20 items is picked about size/n of the time', () => {
    const hits = new Array<number>(20).fill(0);
    for (let seed = 0; seed < 4000; seed++) {
      const r = new Reservoir<number>(5, seed);
      for (let i = 0; i < 20; i++) r.offer(i);
      for (const x of r.take()) hits[x]!++;
    }
    // Expected 1000 each (4000 * 5 / 20); binomial sd ~27.
    for (const h of hits) expect(Math.abs(h - 1000)).toBeLessThan(150);
  });

  test('Prng floats are in [0, 1) and deterministic', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    for (let i = 0; i < 1000; i++) {
      const x = a.float();
      expect(x).toBe(b.float());
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

describe('GzipMeter', () => {
  test('below one block it is exactly gzip -6 of the whole text', async () => {
    const m = new GzipMeter();
    const parts = Array.from({ length: 200 }, (_, i) => `line ${i % 17} of some repeated text\n`);
    for (const p of parts) await m.write(p);
    const s = await m.finish();
    const whole = Buffer.from(parts.join(''), 'utf8');
    expect(s.raw_bytes).toBe(whole.length);
    expect(s.gzip_bytes).toBe(gzipSync(whole, { level: 6 }).length);
    expect(s.ratio).toBe(whole.length / s.gzip_bytes);
  });

  test('past a block, the sum of per-block gzip sizes; clones share the past', async () => {
    const m = new GzipMeter();
    const chunk = 'abcdefghij'.repeat(1000) + '\n';
    const n = Math.ceil((GZIP_BLOCK * 2.5) / chunk.length);
    for (let i = 0; i < n; i++) await m.write(chunk);
    const c = m.clone();
    await c.write('extra');
    const s = await m.finish();
    expect(s.raw_bytes).toBe(n * chunk.length);
    expect(s.ratio).toBeGreaterThan(50);
    const sc = await c.finish();
    expect(sc.raw_bytes).toBe(s.raw_bytes + 5);
  });
});
