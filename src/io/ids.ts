/**
 * Duplicate ids: two input records never leave under the same id. The rule, applied by the reader
 * in input order (which every rank of a sharded run sees whole, so all ranks agree):
 * the first record with id X keeps it; a later one is renamed `X#k` with the smallest k ≥ 2 that no
 * earlier record used, and carries the repair `duplicate_id`. Ids missing from a record are its
 * position (`file:line`), as the normalizer makes them, and take part too.
 * Memory: two 32-bit hashes per id in a compact table, not the ids.
 */
import { xx } from '../core/xxhash.js';
import { basename } from 'node:path';
import { HashTable64 } from '../dedup/hash-table.js';
import type { SourcePos } from '../core/types.js';

/** The id the normalizer gives a record without a usable `id` field. */
export function positionalId(source: SourcePos): string {
  return `${basename(source.file)}:${source.line ?? source.index ?? 0}`;
}

export class IdRegistry {
  private readonly seen = new HashTable64(1 << 12);
  /** Next suffix to try, for ids that were duplicated (few): keeps a run of copies linear. */
  private readonly next = new Map<string, number>();

  /** The id this record leaves under: `id` itself, or a renamed one for a duplicate. */
  claim(id: string): { id: string; renamed: boolean } {
    if (this.add(id)) return { id, renamed: false };
    let k = this.next.get(id) ?? 2;
    while (!this.add(`${id}#${k}`)) k++;
    this.next.set(id, k + 1);
    return { id: `${id}#${k}`, renamed: true };
  }

  private add(id: string): boolean {
    return this.seen.setIfAbsent(xx.h32(id, 0), xx.h32(id, 0x9e3779b9), 1) === -1;
  }
}
