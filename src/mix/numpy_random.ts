/**
 * numpy's legacy `RandomState(seed)` (MT19937 seeded with init_genrand) for the two calls the
 * mixer needs: `permutation(n)` and `choice(n, k, replace=False)` (which is `permutation(n)[:k]`).
 * open-instruct's DatasetConfig.select_samples draws its extra upsampled rows with
 * `np.random.RandomState(seed).choice(n, extra, replace=False)`; reproducing it here makes the
 * same seed pick the same rows. Only the algorithm is reproduced (no numpy code is copied).
 */
import { MT19937 } from '../io/formats/mt19937.js';

export class LegacyRandomState {
  private readonly g: MT19937;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2**32), got ${seed}`);
    this.g = MT19937.initGenrand(seed);
  }

  nextUint32(): number {
    return this.g.nextUint32();
  }

  /** A uniform integer in [0, max] by masked rejection (numpy's legacy random_interval, max < 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** `permutation(n)`: arange(n) shuffled from the end (Fisher-Yates, j = interval(i)). */
  permutation(n: number): Uint32Array {
    if (n > 0xffffffff) throw new RangeError('permutation supports up to 2^32 - 1 items');
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /** `choice(n, k, replace=False)`. */
  sampleWithoutReplacement(n: number, k: number): Uint32Array {
    if (k > n) throw new RangeError(`cannot take ${k} distinct items from ${n}`);
    return this.permutation(n).subarray(0, k);
  }
}
