/**
 * The Mersenne Twister (MT19937, Matsumoto & Nishimura 1998) with the two seedings the reference
 * tools use: `init_genrand(seed)` (numpy's legacy RandomState with an int seed) and
 * `init_by_array` of the seed's 32-bit words (CPython's `random.seed(int)`). `PyRandom.random()`
 * is CPython's `random.random()`: 53 bits from two outputs. Same seed, same draws as Python.
 */
const N = 624;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private mti = N;

  private constructor() {}

  static initGenrand(seed: number): MT19937 {
    const g = new MT19937();
    g.genrand(seed >>> 0);
    return g;
  }

  static initByArray(key: readonly number[]): MT19937 {
    const g = new MT19937();
    const mt = g.mt;
    g.genrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    return g;
  }

  private genrand(s: number): void {
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) mt[i] = (Math.imul(1812433253, mt[i - 1]! ^ (mt[i - 1]! >>> 30)) + i) >>> 0;
    this.mti = N;
  }

  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** CPython's `random.Random(seed)` for an int seed: `random()`, `getrandbits(k ≤ 32)`, `randbelow(n)`, `sample`. */
export class PyRandom {
  private readonly g: MT19937;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    let n = Math.abs(seed);
    const key: number[] = [];
    do {
      key.push(n % 0x100000000);
      n = Math.floor(n / 0x100000000);
    } while (n > 0);
    this.g = MT19937.initByArray(key);
  }

  random(): number {
    const a = this.g.nextUint32() >>> 5;
    const b = this.g.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  getrandbits(k: number): number {
    return k === 0 ? 0 : this.g.nextUint32() >>> (32 - k);
  }

  /** `_randbelow_with_getrandbits(n)`, n < 2^32. */
  randbelow(n: number): number {
    const k = n === 0 ? 0 : 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.sample(range(n), k)`: the indices, in the order Python picks them. */
  sample(n: number, k: number): number[] {
    if (k < 0 || k > n) throw new RangeError(`sample larger than population (${k} of ${n})`);
    const out: number[] = [];
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        out.push(pool[j]!);
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        out.push(j);
      }
    }
    return out;
  }

  /** `random.shuffle(x)`, in place (OpenChat's generate_epoch shuffles its lines with it). */
  shuffle<T>(x: T[] | Uint32Array): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t as never;
    }
  }
}

/** The order of `n` lines after `random.seed(seed); random.shuffle(lines)`: out[k] = original index. */
export function pyShuffledOrder(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  new PyRandom(seed).shuffle(order);
  return order;
}
