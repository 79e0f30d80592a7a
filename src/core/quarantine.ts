/**
 * The quarantine file: one JSON line per rejected record with its reason, position and the
 * original record, so nothing is ever dropped without a trace.
 */
import { JsonlWriter } from './atomic.js';
import type { Conversation, RejectMarker } from './types.js';
import { toShareGpt } from './sharegpt.js';
import { DEFAULT_KEEP_RECORD_BYTES, rejectLine } from './safe-json.js';

export class Quarantine {
  private readonly w: JsonlWriter;
  constructor(
    readonly path: string,
    /** Bytes of a record's text kept on one line; a bigger record is cut (`record_cut`). */
    readonly keepRecordBytes = DEFAULT_KEEP_RECORD_BYTES,
  ) {
    this.w = new JsonlWriter(path);
  }
  get count(): number {
    return this.w.count;
  }
  async open(): Promise<this> {
    await this.w.open();
    return this;
  }
  async write(r: RejectMarker): Promise<void> {
    // `by` (the stage that rejected it) and `source.seq` (the input ordinal) are the runner's bookkeeping, not output.
    const { __reject: _, by: _by, record, ...rest } = r as RejectMarker & { by?: string };
    if (rest.source && 'seq' in rest.source) {
      const { seq: _seq, ...pos } = rest.source; // assigned in place: the key keeps its position
      rest.source = pos;
    }
    // Serialised so that it cannot throw: a record too deep or too big for JSON.stringify is
    // written as its text cut to a bound, with the byte range (io/safe-json.ts).
    let rec: unknown = record;
    try {
      if (isConversation(record)) rec = toShareGpt(record);
    } catch {
      // keep the conversation object itself; rejectLine bounds it
    }
    await this.w.writeLine(rejectLine({ ...rest, record: rec }, this.keepRecordBytes));
  }
  commit(): Promise<void> {
    return this.w.commit();
  }
  /** Two-phase commit (src/core/outputs.ts): flush and close, then rename. */
  finish(): Promise<void> {
    return this.w.finish();
  }
  publish(): Promise<void> {
    return this.w.publish();
  }
  abort(): Promise<void> {
    return this.w.abort();
  }
}

function isConversation(x: unknown): x is Conversation {
  return typeof x === 'object' && x !== null && Array.isArray((x as Conversation).turns) && typeof (x as Conversation).source === 'object';
}
