/**
 * distinct-n (Li et al. 2016: unique n-grams / all n-grams) with bounded memory.
 * N-grams are hashed to 64 bits (two 32-bit words). The count of unique n-grams is exact (a set of
 * the 64-bit hashes: collision odds ~n^2/2^65, about 1e-8 at the default cap) until `exactCap`
 * unique keys (at most 16 bytes per key), after which the set is dropped and a HyperLogLog (2^14
 * registers, fed from the start, standard error 1.04/sqrt(2^14) = 0.81%) answers instead; the
 * result says which.
 */
import { fmix32 } from '../dedup/minhash.js';

export interface DistinctSummary {
  /** Unique n-grams (exact, or the HyperLogLog estimate when `exact` is false). */
  unique: number;
  total: number;
  /** unique / total; 0 when there is no n-gram. */
  ratio: number;
  exact: boolean;
}

/** Unique keys kept exactly before switching to the estimate (a 16 MB table per counter at most). */
export const DEFAULT_EXACT_CAP = 1 << 19;

const HLL_P = 14;
const HLL_M = 1 << HLL_P;

/**
 * A set of 64-bit hashes in one typed array (open addressing, linear probing): no allocation per
 * key, 8 bytes per slot, at most 50% full. (0, 0) marks an empty slot, so that hash is stored as (1, 0).
 */
export class HashSet64 {
  private table: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Uint32Array(2 * slots);
    this.mask = slots - 1;
  }

  /** Adds the key; true when it was new. */
  add(lo: number, hi: number): boolean {
    lo >>>= 0;
    hi >>>= 0;
    if (lo === 0 && hi === 0) lo = 1;
    const t = this.table;
    let i = lo & this.mask;
    for (;;) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) break;
      if (a === lo && b === hi) return false;
      i = (i + 1) & this.mask;
    }
    t[2 * i] = lo;
    t[2 * i + 1] = hi;
    if (++this.size * 2 > this.mask + 1) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.table.length / 2 - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.add(old[i]!, old[i + 1]!);
  }

  /** The keys as (lo, hi) pairs, in slot order. */
  keys(): Uint32Array {
    const out = new Uint32Array(2 * this.size);
    let k = 0;
    for (let i = 0; i < this.table.length; i += 2) {
      if (this.table[i] !== 0 || this.table[i + 1] !== 0) {
        out[k++] = this.table[i]!;
        out[k++] = this.table[i + 1]!;
      }
    }
    return out;
  }

  clone(): HashSet64 {
    const c = new HashSet64(0);
    c.table = this.table.slice();
    c.mask = this.mask;
    c.size = this.size;
    return c;
  }
}

/** A counter as plain JSON (sharded stats): the registers and the exact keys, base64 of their little-endian words. */
export interface DistinctState {
  total: number;
  registers: string;
  /** null once the exact set was given up for the estimate. */
  exact: string | null;
}

const b64 = (a: Uint8Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const u32 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};

export class DistinctCounter {
  private exact: HashSet64 | undefined = new HashSet64();
  private readonly registers = new Uint8Array(HLL_M);
  total = 0;

  constructor(private readonly exactCap = DEFAULT_EXACT_CAP) {}

  /** Adds one n-gram given its 64-bit hash as two unsigned 32-bit words. */
  add(lo: number, hi: number): void {
    this.total++;
    const idx = hi >>> (32 - HLL_P);
    // Rank: position of the first 1 bit in lo, then in the remaining bits of hi.
    const rank = lo !== 0 ? Math.clz32(lo) + 1 : 33 + Math.min(Math.clz32((hi << HLL_P) | 1), 32 - HLL_P);
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
    if (this.exact !== undefined) {
      this.exact.add(lo, hi);
      if (this.exact.size > this.exactCap) this.exact = undefined;
    }
  }

  /** An independent copy under a (possibly smaller) cap: past the cap it keeps only the estimate. */
  clone(exactCap = this.exactCap): DistinctCounter {
    const c = new DistinctCounter(exactCap);
    c.registers.set(this.registers);
    c.total = this.total;
    c.exact = this.exact !== undefined && this.exact.size <= exactCap ? this.exact.clone() : undefined;
    return c;
  }

  toState(): DistinctState {
    return { total: this.total, registers: b64(this.registers), exact: this.exact ? b64(this.exact.keys()) : null };
  }

  static fromState(s: DistinctState, exactCap = DEFAULT_EXACT_CAP): DistinctCounter {
    const c = new DistinctCounter(exactCap);
    c.total = s.total;
    c.registers.set(Buffer.from(s.registers, 'base64'));
    c.exact = s.exact === null ? undefined : setOf(u32(s.exact), exactCap);
    return c;
  }

  /**
   * Adds another counter's n-grams, exactly as if they had been added here: registers take the
   * maximum, exact sets their union (given up past this counter's cap, as one stream would).
   */
  mergeFrom(o: DistinctCounter): void {
    this.total += o.total;
    for (let i = 0; i < HLL_M; i++) if (o.registers[i]! > this.registers[i]!) this.registers[i] = o.registers[i]!;
    if (this.exact === undefined || o.exact === undefined) this.exact = undefined;
    else {
      const keys = o.exact.keys();
      for (let i = 0; i < keys.length && this.exact !== undefined; i += 2) {
        this.exact.add(keys[i]!, keys[i + 1]!);
        if (this.exact.size > this.exactCap) this.exact = undefined;
      }
    }
  }

  summary(): DistinctSummary {
    const unique = this.exact !== undefined ? this.exact.size : Math.round(this.estimate());
    return { unique, total: this.total, ratio: this.total > 0 ? unique / this.total : 0, exact: this.exact !== undefined };
  }

  /** HyperLogLog estimate with the linear-counting correction for small cardinalities. */
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / HLL_M);
    const raw = (alpha * HLL_M * HLL_M) / sum;
    if (raw <= 2.5 * HLL_M && zeros > 0) return HLL_M * Math.log(HLL_M / zeros);
    return raw;
  }
}

function setOf(keys: Uint32Array, cap: number): HashSet64 | undefined {
  if (keys.length / 2 > cap) return undefined;
  const s = new HashSet64(keys.length / 2);
  for (let i = 0; i < keys.length; i += 2) s.add(keys[i]!, keys[i + 1]!);
  return s;
}

/**
 * 64-bit hash of a string as two 32-bit words (cyrb53's mixing, kept at full 64 bits), written
 * into out[0] (lo) and out[1] (hi) to avoid allocating per token.
 */
export function hashString(s: string, out: Uint32Array, seed = 0): void {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}

/** Order-sensitive combination of two token hashes into a bigram hash (ab and ba differ). */
export function combineHash(aLo: number, aHi: number, bLo: number, bHi: number, out: Uint32Array): void {
  let h1 = fmix32(aLo ^ Math.imul(bLo, 0x9e3779b1) ^ 0x27d4eb2f);
  const h2 = fmix32((aHi + Math.imul(bHi ^ 0x7f4a7c15, 0x85ebca6b)) ^ h1);
  h1 = fmix32(h1 ^ Math.imul(h2, 0xc2b2ae35) ^ bHi);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}
