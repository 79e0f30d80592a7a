/**
 * Parse, normalize and clean a batch of raw records: the CPU-heavy part of `clean`, run in worker
 * threads (src/exec/clean-worker.ts) or in-process with --workers 1. Pure: same batch, same result.
 */
import type { Conversation, RawRecord, RejectMarker } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import { normalizeRecord } from '../io/normalize.js';
import { cleanConversation, type CleanOptions, type RepairCode } from './clean-conversation.js';

export interface CleanedItem {
  out: Conversation | RejectMarker;
  repairs?: RepairCode[];
}

export function cleanBatch(batch: (RawRecord | RejectMarker)[], options: CleanOptions = {}): CleanedItem[] {
  return batch.map((raw) => {
    if (isReject(raw)) return { out: raw };
    const conv = normalizeRecord(raw);
    if (isReject(conv)) return { out: conv };
    try {
      const res = cleanConversation(conv, options);
      if (isReject(res.out) && raw.text !== undefined) res.out.record = parseOr(raw.text);
      else if (isReject(res.out) && raw.value !== undefined) res.out.record = raw.value;
      return res;
    } catch (e) {
      // A converter bug must cost one record, never the run.
      return { out: reject({ reason: 'clean_error', detail: String((e as Error)?.message ?? e), source: raw.source, id: conv.id, record: raw.text ?? raw.value }) };
    }
  });
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
