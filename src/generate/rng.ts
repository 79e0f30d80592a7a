/**
 * Deterministic randomness. Every sampling decision (persona, rounds, template, the `seed` sent to
 * the server) is drawn from a generator keyed by (run seed, sector, index, purpose), never from
 * shared state, so a dialogue resumed after a crash makes exactly the same choices.
 */
import { createHash } from 'node:crypto';

export type KeyPart = string | number;

/** SHA-256 of the key parts, as four 32-bit words. */
function keyWords(parts: readonly KeyPart[]): Uint32Array {
  const h = createHash('sha256').update(parts.map(String).join('\u241f')).digest();
  return new Uint32Array([h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)]);
}

/** sfc32: small, fast, and good enough for sampling choices. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(parts: readonly KeyPart[]) {
    const w = keyWords(parts);
    this.a = w[0]!;
    this.b = w[1]!;
    this.c = w[2]!;
    this.d = w[3]!;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Rng.pick from an empty list');
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

export function rngFor(...parts: KeyPart[]): Rng {
  return new Rng(parts);
}

/** A non-negative 31-bit integer for the API's `seed` field. */
export function seedFor(...parts: KeyPart[]): number {
  return keyWords(parts)[0]! & 0x7fffffff;
}

/** Short hex digest (for fingerprints and request hashes). */
export function digest(text: string, chars = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, chars);
}
