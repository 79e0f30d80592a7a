/**
 * Streaming distributions with memory that does not grow with the input: a log-bucket histogram
 * (the HdrHistogram idea). Bucket k holds values in [2^(k/128), 2^((k+1)/128)), i.e. 0.54% wide,
 * and remembers its own count, min and max. Consequences, which the docs repeat:
 * - count, mean, min and max are exact;
 * - a quantile is exact whenever its bucket holds a single distinct value (every integer below
 *   185 has a bucket of its own, so turns and short lengths are exact), otherwise it is
 *   interpolated between the bucket's observed min and max: relative error below 0.54%;
 * - memory is bounded by the value range: ~128 buckets per doubling (a few thousand at most).
 * Quantiles use the nearest-rank definition: p-quantile = the ceil(p*n)-th smallest value.
 */

/** Buckets per doubling. */
const PER_OCTAVE = 128;
/** Below this every integer has a bucket of its own (bucket width < 1). */
const EXACT_INTEGERS = 185;

/** What a distribution reports: every figure comes with its sample size (`count`). */
export interface DistSummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** A histogram for plotting: `counts[i]` values fell in [edges[i], edges[i+1]); the last bin is closed. */
export interface Histogram {
  /** counts.length + 1 edges. */
  edges: number[];
  counts: number[];
  /** True when every value was an integer and each regular bin holds one integer, edges[i]. */
  integer: boolean;
  /** True when the last bin is the tail [p99 bin edge, max] and wider than the others. */
  overflow: boolean;
}

interface Bucket {
  c: number;
  min: number;
  max: number;
}

/** A distribution as plain JSON (sharded stats: src/exec/shard-stats.ts). Bucket key null = the non-positive bucket. */
export interface DistributionState {
  buckets: [number | null, number, number, number][];
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  integral: boolean;
}

export class Distribution {
  private readonly buckets = new Map<number, Bucket>();
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private integral = true;

  add(v: number): void {
    if (!Number.isFinite(v)) throw new RangeError(`Distribution.add: ${v} is not a finite number`);
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (this.integral && !Number.isInteger(v)) this.integral = false;
    // Non-positive values share one bucket (the metrics here are counts, lengths and ratios >= 0).
    const k = v > 0 ? Math.floor(Math.log2(v) * PER_OCTAVE) : -Infinity;
    const b = this.buckets.get(k);
    if (b === undefined) this.buckets.set(k, { c: 1, min: v, max: v });
    else {
      b.c++;
      if (v < b.min) b.min = v;
      if (v > b.max) b.max = v;
    }
  }

  /** An independent copy (buckets are small objects: copied, not shared). */
  clone(): Distribution {
    const c = new Distribution();
    for (const [k, b] of this.buckets) c.buckets.set(k, { ...b });
    c.count = this.count;
    c.sum = this.sum;
    c.min = this.min;
    c.max = this.max;
    c.integral = this.integral;
    return c;
  }

  toState(): DistributionState {
    const buckets = [...this.buckets.entries()].sort((a, b) => a[0] - b[0]).map(([k, b]): [number | null, number, number, number] => [Number.isFinite(k) ? k : null, b.c, b.min, b.max]);
    return { buckets, count: this.count, sum: this.sum, min: this.count ? this.min : null, max: this.count ? this.max : null, integral: this.integral };
  }

  static fromState(s: DistributionState): Distribution {
    const d = new Distribution();
    for (const [k, c, min, max] of s.buckets) d.buckets.set(k ?? -Infinity, { c, min, max });
    d.count = s.count;
    d.sum = s.sum;
    d.min = s.min ?? Infinity;
    d.max = s.max ?? -Infinity;
    d.integral = s.integral;
    return d;
  }

  /**
   * Adds another distribution's values: counts, buckets, min and max exactly as if they had been
   * added here; the sum (hence the mean) up to floating-point rounding, added in another order.
   */
  mergeFrom(o: Distribution): void {
    for (const [k, b] of o.buckets) {
      const mine = this.buckets.get(k);
      if (mine === undefined) this.buckets.set(k, { ...b });
      else {
        mine.c += b.c;
        if (b.min < mine.min) mine.min = b.min;
        if (b.max > mine.max) mine.max = b.max;
      }
    }
    this.count += o.count;
    this.sum += o.sum;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
    this.integral &&= o.integral;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  private sorted(): Bucket[] {
    return [...this.buckets.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }

  /** Nearest-rank quantiles for each p in [0, 1], one walk over the buckets. */
  quantiles(ps: readonly number[]): number[] {
    if (this.count === 0) return ps.map(() => 0);
    const buckets = this.sorted();
    return ps.map((p) => {
      const rank = Math.min(this.count, Math.max(1, Math.ceil(p * this.count)));
      let before = 0;
      for (const b of buckets) {
        if (before + b.c >= rank) {
          const k = rank - before - 1;
          return b.c === 1 ? b.min : b.min + ((b.max - b.min) * k) / (b.c - 1);
        }
        before += b.c;
      }
      return this.max;
    });
  }

  summary(): DistSummary {
    const [p50, p90, p99] = this.quantiles([0.5, 0.9, 0.99]) as [number, number, number];
    const empty = this.count === 0;
    return { count: this.count, mean: this.mean, min: empty ? 0 : this.min, p50, p90, p99, max: empty ? 0 : this.max };
  }

  /**
   * Bins for a chart. Integer data with a small range gets one bin per integer; otherwise
   * `bins` equal-width bins over [min, p99] plus one overflow bin up to max, so that a long tail
   * does not squash the body. Each log bucket is placed by its midpoint (exact for one-value buckets).
   */
  histogram(bins = 30): Histogram {
    if (this.count === 0) return { edges: [], counts: [], integer: this.integral, overflow: false };
    const buckets = this.sorted();
    if (this.integral && this.max - this.min <= 60 && this.max < EXACT_INTEGERS) {
      const lo = this.min;
      const counts = new Array<number>(this.max - lo + 1).fill(0);
      for (const b of buckets) counts[Math.round((b.min + b.max) / 2) - lo]! += b.c;
      return { edges: [...counts.map((_, i) => lo + i), this.max + 1], counts, integer: true, overflow: false };
    }
    const p99 = this.quantiles([0.99])[0]!;
    const lo = this.min;
    const hi = p99 > lo ? p99 : this.max > lo ? this.max : lo + 1;
    // Integer data (lengths, counts) gets integer-wide bins: a 0.5-wide bin of integers is half empty.
    const raw = niceStep((hi - lo) / bins);
    const step = this.integral ? Math.max(1, Math.ceil(raw)) : raw;
    const start = Math.floor(lo / step) * step;
    const n = Math.max(1, Math.ceil((hi - start) / step));
    const edges = Array.from({ length: n + 1 }, (_, i) => round(start + i * step));
    const counts = new Array<number>(n).fill(0);
    let overflow = 0;
    for (const b of buckets) {
      const mid = (b.min + b.max) / 2;
      const i = Math.floor((mid - start) / step);
      if (i >= n && mid > edges[n]!) overflow += b.c;
      else counts[Math.min(n - 1, Math.max(0, i))]! += b.c;
    }
    if (overflow > 0) {
      edges.push(round(Math.max(this.max, edges[n]! + step)));
      counts.push(overflow);
    }
    return { edges, counts, integer: this.integral && step === 1, overflow: overflow > 0 };
  }
}

/** 1, 2 or 5 times a power of ten, at least `raw`: bin widths a reader can add up. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const e = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * e >= raw) return m * e;
  return 10 * e;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
