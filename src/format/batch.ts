/**
 * A batch as read: conversations mixed with the reader's reject markers (malformed lines). The
 * markers pass through in place so the quarantine keeps input order.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { isReject } from '../core/types.js';
import type { FormatItem, Formatter } from './formatter.js';

export interface MixedOut {
  items: FormatItem[];
  counters: Record<string, number>;
}

export async function formatMixed(f: Formatter, batch: readonly (Conversation | RejectMarker)[]): Promise<MixedOut> {
  const convs = batch.filter((x): x is Conversation => !isReject(x));
  const out = await f.formatBatch(convs);
  let k = 0;
  const items = batch.map((x): FormatItem => (isReject(x) ? { reject: x } : out.items[k++]!));
  return { items, counters: out.counters };
}
