/**
 * A compact open-addressing set of 64-bit hashes with a 32-bit value per entry (the input ordinal
 * of the record that put it there), stored as three parallel u32 columns in one Uint32Array.
 *
 * Why not `Set<bigint>`: every bigint is a heap object, and a Set entry on top of it costs
 * ~40 bytes of heap per hash (measured, see exact.ts); here a slot is 12 bytes and the table is kept at most half full, so
 * 12–24 bytes per entry (measured figures in exact.ts). Linear probing; the all-zero hash is
 * kept aside in `zeroValue` because 0/0 marks an empty slot.
 */

const EMPTY = 0;
const MAX_LOAD = 0.5;

export class HashTable64 {
  private slots: Uint32Array;
  private mask: number;
  private n = 0;
  private zeroValue = -1;

  constructor(initialCapacity = 1 << 16) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.slots = new Uint32Array(cap * 3);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.n;
  }

  /** Bytes held by the table (its one typed array). */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** Value stored for (hi, lo), or -1 when absent. */
  get(hi: number, lo: number): number {
    if (hi === EMPTY && lo === EMPTY) return this.zeroValue;
    const s = this.slots;
    for (let i = mix(hi, lo) & this.mask; ; i = (i + 1) & this.mask) {
      const h = s[i * 3]!;
      const l = s[i * 3 + 1]!;
      if (h === EMPTY && l === EMPTY) return -1;
      if (h === hi && l === lo) return s[i * 3 + 2]!;
    }
  }

  /**
   * Inserts (hi, lo) → value unless present. Returns the value already stored (the first
   * occurrence wins) or -1 when this call inserted it.
   */
  setIfAbsent(hi: number, lo: number, value: number): number {
    if (hi === EMPTY && lo === EMPTY) {
      if (this.zeroValue !== -1) return this.zeroValue;
      this.zeroValue = value >>> 0;
      this.n++;
      return -1;
    }
    if (this.n + 1 > (this.mask + 1) * MAX_LOAD) this.grow();
    const s = this.slots;
    for (let i = mix(hi, lo) & this.mask; ; i = (i + 1) & this.mask) {
      const h = s[i * 3]!;
      const l = s[i * 3 + 1]!;
      if (h === EMPTY && l === EMPTY) {
        s[i * 3] = hi;
        s[i * 3 + 1] = lo;
        s[i * 3 + 2] = value;
        this.n++;
        return -1;
      }
      if (h === hi && l === lo) return s[i * 3 + 2]!;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Uint32Array(cap * 3);
    this.mask = cap - 1;
    const s = this.slots;
    for (let j = 0; j < old.length; j += 3) {
      const hi = old[j]!;
      const lo = old[j + 1]!;
      if (hi === EMPTY && lo === EMPTY) continue;
      let i = mix(hi, lo) & this.mask;
      while (s[i * 3] !== EMPTY || s[i * 3 + 1] !== EMPTY) i = (i + 1) & this.mask;
      s[i * 3] = hi;
      s[i * 3 + 1] = lo;
      s[i * 3 + 2] = old[j + 2]!;
    }
  }
}

/** Slot index from a hash that is already uniform: fold the halves (xxhash output needs no more mixing). */
function mix(hi: number, lo: number): number {
  return (hi ^ lo) >>> 0;
}
