/**
 * Exact deduplication, deterministic across runs, processes and machines.
 *
 * Key: xxHash64 (seed 0) of the UTF-8 bytes of
 *
 *     JSON.stringify(conv.turns.map((t) => [t.role, normalizeContent(t.content)]))
 *
 * where `normalizeContent` = Unicode NFC, then every run of whitespace (`\s`, Unicode) replaced
 * by one space, then trimmed. Roles are part of the key, so the same texts with user and
 * assistant swapped are not duplicates; system turns count too (another system prompt is another
 * conversation); `id`, `model`, `meta` and turn weights do not. JSON makes the encoding
 * unambiguous (no separator can be forged by the content) and easy to reproduce in any language.
 *
 * Why not what others did: OpenChat keyed on Python's `hash()`, salted per process, so
 * duplicates seen by different workers slipped through; FastChat compared only the second turn
 * and the turn count.
 *
 * Sharding: `rankOf(conversationHash(conv), ranks)` = hash mod ranks. Identical conversations
 * land on the same rank, so per-rank exact dedup is global dedup; if each rank reads its records
 * in input order, "first occurrence wins" holds globally too.
 *
 * Memory: the seen-set holds 64-bit hashes and a u32 value in a compact table
 * (`HashTable64`: 12-byte slots, at most half full). Per million distinct hashes (node 20):
 * the table is 25.2 MB (2^21 slots; 12.6–25.2 MB depending on where the last doubling fell) and
 * inserts them in ~0.1–0.3 s; a `Set<bigint>` measured 37–45 MB of heap and 1.2–1.4 s.
 * (Measured with a 1e6-insert script, `node --expose-gc`, heapUsed delta; see issue 2's report.)
 * The ids of kept records are also kept (option `rememberIds`, default on) so that a reject can
 * name the record it duplicates, packed as UTF-8 in one growing buffer (`IdArena`): ~13 MB per
 * million 9-character ids, where an array of strings took ~40 MB. Turn it off and the detail
 * names the ordinal of the first occurrence instead.
 */
import { xx } from '../core/xxhash.js';
import { precomputedHash } from '../core/precomputed.js';
import type { Conversation, RejectMarker } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import type { Stage } from '../core/stage.js';
import { HashTable64 } from './hash-table.js';

export interface ExactDedupOptions {
  /** Keep the ids of first occurrences to name them in the reject detail (default true). */
  rememberIds?: boolean;
  /** Initial table capacity (grows by doubling); a hint for large inputs. */
  initialCapacity?: number;
}

/** NFC, whitespace runs → one space, trim. */
export function normalizeContent(s: string): string {
  return s.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** The exact string that is hashed (documented above; exported for tests and other languages). */
export function conversationKey(conv: Pick<Conversation, 'turns'>): string {
  return JSON.stringify(conv.turns.map((t) => [t.role, normalizeContent(t.content)]));
}

/** xxHash64, seed 0, of the UTF-8 bytes of `conversationKey(conv)`. */
export function conversationHash(conv: Pick<Conversation, 'turns'>): bigint {
  return xx.h64(conversationKey(conv), 0n);
}

/** The rank (0..ranks-1) a conversation belongs to when a run is sharded: hash mod ranks. */
export function rankOf(hash: bigint, ranks: number): number {
  if (!Number.isInteger(ranks) || ranks < 1) throw new RangeError(`rankOf: ranks must be a positive integer, got ${ranks}`);
  return Number(hash % BigInt(ranks));
}

/** Lower-case 16-digit hex, the form used in reject details and logs. */
export function hashHex(h: bigint): string {
  return h.toString(16).padStart(16, '0');
}

/**
 * The seen-set as a plain object usable outside a stage (a worker, a shard merger):
 * `check` returns undefined for a first occurrence (and remembers it) or the first occurrence's label.
 */
export class ExactDeduper {
  private readonly table: HashTable64;
  private readonly ids: IdArena | undefined;
  /** Records checked so far: the value stored when ids are not remembered. */
  private seenCount = 0;

  constructor(opts: ExactDedupOptions = {}) {
    this.table = new HashTable64(opts.initialCapacity);
    this.ids = opts.rememberIds === false ? undefined : new IdArena();
  }

  get size(): number {
    return this.table.size;
  }

  get tableBytes(): number {
    return this.table.bytes;
  }

  /** `firstOf` is the label of the earlier occurrence, or undefined if `hash` is new. */
  check(hash: bigint, id: string): { firstOf?: string } {
    const hi = Number(hash >> 32n) >>> 0;
    const lo = Number(hash & 0xffffffffn) >>> 0;
    const value = this.ids ? this.ids.length : this.seenCount;
    this.seenCount++;
    const prev = this.table.setIfAbsent(hi, lo, value);
    if (prev === -1) {
      this.ids?.push(id);
      return {};
    }
    return { firstOf: this.ids ? this.ids.get(prev) : `record #${prev} (0-based) reaching exact dedup` };
  }
}

/** Strings appended to one UTF-8 buffer with an offset table: memory per id is its bytes + 4. */
export class IdArena {
  private buf = Buffer.allocUnsafe(1 << 16);
  private ends = new Uint32Array(1 << 12);
  private used = 0;
  length = 0;

  push(s: string): number {
    const need = Buffer.byteLength(s);
    if (this.used + need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + need));
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    this.used += this.buf.write(s, this.used);
    if (this.length === this.ends.length) {
      const next = new Uint32Array(this.ends.length * 2);
      next.set(this.ends);
      this.ends = next;
    }
    this.ends[this.length] = this.used;
    return this.length++;
  }

  get(i: number): string {
    if (i < 0 || i >= this.length) throw new RangeError(`IdArena: no id #${i}`);
    return this.buf.toString('utf8', i === 0 ? 0 : this.ends[i - 1]!, this.ends[i]!);
  }
}

/** Pure per-record decision: the conversation, or a `duplicate` reject naming the first occurrence. */
export function dedupExact(conv: Conversation, seen: ExactDeduper): Conversation | RejectMarker {
  // A clean worker may have hashed it already (valid only while its turns are unchanged).
  const h = precomputedHash(conv) ?? conversationHash(conv);
  const { firstOf } = seen.check(h, conv.id);
  if (firstOf === undefined) return conv;
  return reject({
    reason: 'duplicate',
    detail: `duplicate of ${firstOf} (xxh64 ${hashHex(h)})`,
    source: conv.source,
    id: conv.id,
    record: conv,
  });
}

/** Exact dedup as a stage; first occurrence in input order wins. */
export function exactDedup(opts: ExactDedupOptions = {}): Stage {
  return {
    name: 'exact_dedup',
    async *run(input) {
      const seen = new ExactDeduper(opts);
      for await (const item of input) yield isReject(item) ? item : dedupExact(item as Conversation, seen);
    },
  };
}

/** Async factory kept for callers that treat stage creation as async (the hasher is already loaded). */
export async function createExactDedup(opts: ExactDedupOptions = {}): Promise<Stage> {
  return exactDedup(opts);
}
