import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitCount } from '../../src/generate/run-setup.js';

describe('splitCount (--count over sectors)', () => {
  it('gives exactly --count, largest remainders first', () => {
    // 12 × (0.4, 0.3, 0.3) = 4.8, 3.6, 3.6 → floors 4, 3, 3; the two missing go to world, then creation.
    expect(splitCount(12, ['world', 'creation', 'assistance'], { world: 0.4, creation: 0.3, assistance: 0.3 })).toEqual({ world: 5, creation: 4, assistance: 3 });
  });

  it('property: the parts always sum to the count and each is within 1 of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.tuple(fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true })),
        (count, [a, b, c]) => {
          const out = splitCount(count, ['world', 'creation', 'assistance'], { world: a, creation: b, assistance: c });
          expect(out.world + out.creation + out.assistance).toBe(count);
          const sum = a + b + c;
          for (const [k, w] of [
            ['world', a],
            ['creation', b],
            ['assistance', c],
          ] as const)
            expect(Math.abs(out[k] - (count * w) / sum)).toBeLessThan(1);
        },
      ),
    );
  });
});
