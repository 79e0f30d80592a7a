/** Worker-thread entry for `clean`: piscina calls the named export with one batch. */
import { cleanBatch, type CleanedItem } from './clean-batch.js';
import type { Conversation, RawRecord, RejectMarker } from '../core/types.js';
import { isReject } from '../core/types.js';
import { lineCacheable } from '../core/precomputed.js';
import { toShareGpt } from '../core/sharegpt.js';
import { conversationHash } from '../dedup/exact.js';
import type { CleanOptions } from './clean-conversation.js';

export function clean({ batch, shared }: { batch: (RawRecord | RejectMarker)[]; shared: CleanOptions }): CleanedItem[] {
  const out = cleanBatch(batch, shared);
  // The dedup hash and the output line are made here, on a core of their own, not on the main
  // thread every record passes through (src/core/precomputed.ts says when they are used). The
  // lines go back as UTF-8 in one buffer per batch: one copy, off the main thread's heap.
  const lines: (string | undefined)[] = [];
  let bytes = 0;
  for (const it of out) {
    if (isReject(it.out)) {
      lines.push(undefined);
      continue;
    }
    const c = it.out as Conversation;
    it.pre = { hash: conversationHash(c) };
    const line = lineCacheable(c) ? JSON.stringify(toShareGpt(c)) : undefined;
    lines.push(line);
    if (line !== undefined) bytes += Buffer.byteLength(line);
  }
  // Not from Buffer's shared pool: a view into the pool would clone the whole pool slab.
  const buf = Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    const line = lines[i];
    if (line === undefined) continue;
    const n = buf.write(line, at);
    out[i]!.pre!.line = new Uint8Array(buf.buffer, buf.byteOffset + at, n);
    at += n;
  }
  return out;
}
