/**
 * Seeded sampling for big inputs: reservoir sampling (Vitter's Algorithm R) of N items in one
 * pass, memory bounded by N, driven by a seeded PRNG so that the same seed picks the same sample.
 */

/** sfc32 seeded through splitmix32: fast, 128-bit state, good enough for sampling (not crypto). */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** Keeps a uniform sample of at most `size` items of a stream; `seen` counts the whole stream. */
export class Reservoir<T> {
  private readonly items: { index: number; item: T }[] = [];
  private readonly rng: Prng;
  seen = 0;

  constructor(
    readonly size: number,
    seed: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`sample size must be a positive integer, got ${size}`);
    this.rng = new Prng(seed);
  }

  offer(item: T): void {
    const i = this.seen++;
    if (i < this.size) {
      this.items.push({ index: i, item });
      return;
    }
    const j = this.rng.below(i + 1);
    if (j < this.size) this.items[j] = { index: i, item };
  }

  /** The sample in input order (so that order-sensitive figures like gzip do not depend on slots). */
  take(): T[] {
    return [...this.items].sort((x, y) => x.index - y.index).map((x) => x.item);
  }
}
