/**
 * Near-duplicate removal (`--near-dedup 0.8`): MinHash signatures (minhash.ts) with LSH banding
 * for candidates, then verification of each candidate by the estimated Jaccard similarity; the
 * first occurrence in input order wins, later ones are rejected as `near_duplicate`.
 *
 * Text of a conversation: the contents of all its turns joined by "\n" (roles ignored: a copy
 * whose turns were merged or re-split is still a near duplicate).
 *
 * Banding: bands × rows from `optimalLshParams(threshold, numPerm)` (see minhash.ts for the
 * S-curve choice: false negatives weighted 0.9, false positives 0.1, since candidates are
 * verified). With 128 permutations: t = 0.7 → 20 × 6; t = 0.8 → 14 × 9 (P(candidate) = 0.44 at
 * J = 0.7, 0.87 at 0.8, 0.98 at 0.85); t = 0.9 → 8 × 16 (0.81 at 0.9, 0.99 at 0.95).
 * Verification: the estimated Jaccard from the two signatures must be ≥ threshold; the estimate
 * has a standard deviation of √(J(1−J)/128) ≈ 0.035 at J = 0.8, so pairs right at the
 * threshold are decided either way about half the time.
 *
 * Memory, per kept record (rejected ones store nothing): its band keys, 32-bit, with a u32
 * ordinal, in one open-addressing multimap (8-byte slots, at most half full: ≤ 16·bands bytes),
 * plus its signature truncated to the low 8 bits of each value (numPerm bytes) for
 * verification, plus its id (option `rememberIds`). 128 perms, t = 0.8 (14 bands): ≤ 352 bytes per record + id.
 * 8-bit values match by chance with p = 1/256; the estimate is corrected for that
 * (b-bit minwise hashing, Li & König 2010). 32-bit band keys can collide; a collision only
 * costs one verification, never a wrong reject.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import type { Stage } from '../core/stage.js';
import { fmix32, MINHASH_DEFAULTS, optimalLshParams, shingleHashes, signatureOfShingles, type MinHashOptions } from './minhash.js';

export interface NearDedupOptions extends MinHashOptions {
  /** Estimated Jaccard similarity at or above which a later record is a near duplicate (0..1). */
  threshold: number;
  /** Records kept per band bucket; more are not indexed in that band (bounds boilerplate buckets). Default 32. */
  bucketCap?: number;
  /** Keep ids of kept records to name them in reject details (default true). */
  rememberIds?: boolean;
}

/** The text a conversation is compared on. */
export function conversationText(conv: Pick<Conversation, 'turns'>): string {
  return conv.turns.map((t) => t.content).join('\n');
}

/** Band keys of a signature: 32-bit hash of each band's rows, mixed with the band index. */
export function bandKeys(sig: Uint32Array, bands: number, rows: number): Uint32Array {
  const out = new Uint32Array(bands);
  for (let b = 0; b < bands; b++) {
    let h = fmix32(0x2545f491 ^ b);
    for (let r = 0; r < rows; r++) h = fmix32(h ^ sig[b * rows + r]!);
    out[b] = h;
  }
  return out;
}

/** b-bit (8) corrected Jaccard estimate from two byte signatures. */
export function estimateJaccard8(a: Uint8Array, b: Uint8Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  const c = 1 / 256;
  return Math.max(0, (eq / a.length - c) / (1 - c));
}

/** Multimap u32 key → u32 value (open addressing, linear probing; value 0 marks an empty slot, so values are stored +1). */
class BandTable {
  private slots = new Uint32Array(1 << 17);
  private mask = (1 << 16) - 1;
  private n = 0;

  /** Values stored under `key`, pushed onto `out`; returns how many. */
  collect(key: number, out: number[]): number {
    const s = this.slots;
    let c = 0;
    for (let i = fmix32(key) & this.mask; s[i * 2 + 1] !== 0; i = (i + 1) & this.mask) {
      if (s[i * 2] === key) {
        out.push(s[i * 2 + 1]! - 1);
        c++;
      }
    }
    return c;
  }

  add(key: number, value: number): void {
    if (this.n + 1 > (this.mask + 1) / 2) this.grow();
    const s = this.slots;
    let i = fmix32(key) & this.mask;
    while (s[i * 2 + 1] !== 0) i = (i + 1) & this.mask;
    s[i * 2] = key;
    s[i * 2 + 1] = value + 1;
    this.n++;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    this.n = 0;
    for (let j = 0; j < old.length; j += 2) if (old[j + 1] !== 0) this.add(old[j]!, old[j + 1]! - 1);
  }
}

/** The LSH index as a plain object (usable outside a stage, e.g. by a shard merger). */
export class NearDeduper {
  readonly bands: number;
  readonly rows: number;
  private readonly numPerm: number;
  private readonly table = new BandTable();
  private sigs = new Uint8Array(0);
  private count = 0;
  private readonly ids: string[] | undefined;
  private readonly cap: number;

  constructor(readonly opts: NearDedupOptions) {
    this.numPerm = opts.numPerm ?? MINHASH_DEFAULTS.numPerm;
    const p = optimalLshParams(opts.threshold, this.numPerm);
    this.bands = p.bands;
    this.rows = p.rows;
    this.cap = opts.bucketCap ?? 32;
    this.ids = opts.rememberIds === false ? undefined : [];
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.table.bytes + this.sigs.byteLength;
  }

  /**
   * Looks `sig` up; if an earlier kept record is estimated ≥ threshold similar, returns it and
   * stores nothing; otherwise indexes `sig` as a kept record and returns undefined.
   */
  check(sig: Uint32Array, id: string): { firstOf: string; similarity: number } | undefined {
    const keys = bandKeys(sig, this.bands, this.rows);
    const low = new Uint8Array(this.numPerm);
    for (let i = 0; i < this.numPerm; i++) low[i] = sig[i]! & 0xff;
    const cand: number[] = [];
    const perKey: number[] = [];
    for (let b = 0; b < this.bands; b++) perKey.push(this.table.collect(keys[b]!, cand));
    if (cand.length > 0) {
      // Earliest candidate first, so the reject names the first occurrence.
      const uniq = [...new Set(cand)].sort((x, y) => x - y);
      for (const c of uniq) {
        const j = estimateJaccard8(low, this.sigs.subarray(c * this.numPerm, (c + 1) * this.numPerm));
        if (j >= this.opts.threshold) return { firstOf: this.ids ? this.ids[c]! : `kept record #${c}`, similarity: j };
      }
    }
    const ord = this.count++;
    if (this.sigs.length < this.count * this.numPerm) {
      const grown = new Uint8Array(Math.max(this.count * this.numPerm, this.sigs.length * 2));
      grown.set(this.sigs);
      this.sigs = grown;
    }
    this.sigs.set(low, ord * this.numPerm);
    for (let b = 0; b < this.bands; b++) if (perKey[b]! < this.cap) this.table.add(keys[b]!, ord);
    this.ids?.push(id);
    return undefined;
  }
}

/** Pure per-record decision (given the index): the conversation, or a `near_duplicate` reject. */
export function dedupNear(conv: Conversation, index: NearDeduper): Conversation | RejectMarker | 'no_text' {
  const text = conversationText(conv);
  const shingles = shingleHashes(text, index.opts.shingleSize ?? MINHASH_DEFAULTS.shingleSize);
  if (shingles.length === 0) return 'no_text';
  const sig = signatureOfShingles(shingles, index.opts);
  const hit = index.check(sig, conv.id);
  if (!hit) return conv;
  return reject({
    reason: 'near_duplicate',
    detail: `near duplicate of ${hit.firstOf} (estimated Jaccard ${hit.similarity.toFixed(3)} ≥ ${index.opts.threshold})`,
    source: conv.source,
    id: conv.id,
    record: conv,
  });
}

/** Near dedup as a stage. Records with no words at all are passed and counted (`near_dedup_no_text`). */
export function nearDedup(opts: NearDedupOptions): Stage {
  const index0 = new NearDeduper(opts); // validates the threshold when the pipeline is built
  let first = true;
  return {
    name: 'near_dedup',
    async *run(input, ctx) {
      const index = first ? index0 : new NearDeduper(opts);
      first = false;
      for await (const conv of input) {
        if (isReject(conv)) {
          yield conv;
          continue;
        }
        const out = dedupNear(conv as Conversation, index);
        if (out === 'no_text') {
          ctx.stats.count('near_dedup_no_text');
          yield conv;
        } else yield out;
      }
    },
  };
}
