/**
 * Parse, normalize and clean a batch of raw records: the CPU-heavy part of `clean`, run in worker
 * threads (src/clean/worker.ts) or in-process with --workers 1. Pure: same batch, same result.
 */
import type { Precomputed } from '../core/precomputed.js';
import type { Conversation, RawRecord, RejectMarker } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import { normalizeRecord, type RepairCode as ReadRepairCode } from '../io/normalize.js';
import { cleanConversation, type CleanOptions, type RepairCode } from './clean-conversation.js';

export { crashedClean } from './crash.js';

export interface CleanedItem {
  out: Conversation | RejectMarker;
  repairs?: (RepairCode | ReadRepairCode)[];
  /** Made by a worker thread for the main thread (src/clean/worker.ts). */
  pre?: Precomputed;
}

export function cleanBatch(batch: (RawRecord | Conversation | RejectMarker)[], options: CleanOptions = {}): CleanedItem[] {
  return batch.map((item) => {
    if (isReject(item)) return { out: item };
    // A record that is already a conversation (from generate, or after another stage) skips parsing.
    if (Array.isArray((item as Conversation).turns)) return cleanParsed(item as Conversation, options);
    const raw = item as RawRecord;
    const conv = normalizeRecord(raw);
    if (isReject(conv)) return { out: conv };
    // Repairs made while reading are counted with the cleaner's, not carried into the output.
    const read = conv.repairs as ReadRepairCode[] | undefined;
    delete conv.repairs;
    try {
      const res: CleanedItem = cleanConversation(conv, options);
      if (read) res.repairs = [...read, ...(res.repairs ?? [])];
      if (isReject(res.out) && raw.text !== undefined) res.out.record = parseOr(raw.text);
      else if (isReject(res.out) && raw.value !== undefined) res.out.record = raw.value;
      return res;
    } catch (e) {
      // A converter bug must cost one record, never the run.
      return { out: reject({ reason: 'clean_error', detail: String((e as Error)?.message ?? e), source: raw.source, id: conv.id, record: raw.text ?? raw.value }) };
    }
  });
}

function cleanParsed(conv: Conversation, options: CleanOptions): CleanedItem {
  try {
    const res = cleanConversation(conv, options);
    if (isReject(res.out)) res.out.record ??= conv;
    return res;
  } catch (e) {
    return { out: reject({ reason: 'clean_error', detail: String((e as Error)?.message ?? e), source: conv.source, id: conv.id, record: conv }) };
  }
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
