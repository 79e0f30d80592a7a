/**
 * The worker side of a sharded `clean` rank: every rank reads the whole input, and for each raw
 * record decides whose it is before doing any cleaning work. A record belongs to rank
 * `xxh64(raw turns) mod N` (roles and raw contents under exact dedup's normalization: see
 * `conversationHash`), so raw-identical copies always meet on one rank and local exact dedup
 * already removes them; a record that cannot be parsed into turns goes to `ordinal mod N`.
 * Owned records are cleaned exactly as by `cleanBatch`, and their MinHash signature is computed
 * here (in parallel) when near dedup is on: no later filter changes a turn's text.
 */
import type { RawRecord, RejectMarker } from '../core/types.js';
import { isReject } from '../core/types.js';
import { normalizeValue } from '../io/normalize.js';
import { cleanBatch, type CleanedItem } from '../clean/clean-batch.js';
import type { CleanOptions } from '../clean/clean-conversation.js';
import { conversationHash, rankOf } from '../dedup/exact.js';
import { conversationText } from '../dedup/near.js';
import { MINHASH_DEFAULTS, shingleHashes, signatureOfShingles, type MinHashOptions } from '../dedup/minhash.js';

export interface Numbered {
  /** Position in the input stream (0-based, over every record the reader yields). */
  seq: number;
  raw: RawRecord | RejectMarker;
}

export interface ShardCleanShared {
  clean: CleanOptions;
  index: number;
  count: number;
  /** MinHash options when near dedup is on (signatures are computed for the merge). */
  near?: MinHashOptions;
}

export type ShardCleaned =
  | { seq: number; skip: true }
  | { seq: number; skip?: false; item: CleanedItem; sig?: Uint32Array; noText?: boolean };

/** The rank a raw record belongs to. */
export function ownerOf(n: Numbered, count: number): { owner: number; value?: unknown } {
  const raw = n.raw;
  if (isReject(raw)) return { owner: n.seq % count };
  let value = raw.value;
  if (value === undefined) {
    try {
      value = JSON.parse(raw.text ?? '');
    } catch {
      return { owner: n.seq % count };
    }
  }
  const conv = normalizeValue(value, raw.source, raw.dialect);
  if (isReject(conv)) return { owner: n.seq % count, value };
  return { owner: rankOf(conversationHash(conv), count), value };
}

export function cleanShardBatch(batch: readonly Numbered[], shared: ShardCleanShared): ShardCleaned[] {
  return batch.map((n): ShardCleaned => {
    const { owner, value } = ownerOf(n, shared.count);
    if (owner !== shared.index) return { seq: n.seq, skip: true };
    // Hand the parsed value on (parsing twice costs as much as the ownership test itself); a
    // reject then carries the same parsed record that cleanBatch would have parsed from the text.
    const raw = n.raw;
    const input = !isReject(raw) && value !== undefined ? { source: raw.source, value, dialect: raw.dialect } : raw;
    const item = cleanBatch([input], shared.clean)[0]!;
    if (!shared.near || isReject(item.out)) return { seq: n.seq, item };
    const shingles = shingleHashes(conversationText(item.out), shared.near.shingleSize ?? MINHASH_DEFAULTS.shingleSize);
    if (shingles.length === 0) return { seq: n.seq, item, noText: true };
    return { seq: n.seq, item, sig: signatureOfShingles(shingles, shared.near) };
  });
}
