/**
 * The quarantine file: one JSON line per rejected record with its reason, position and the
 * original record, so nothing is ever dropped without a trace.
 */
import { JsonlWriter } from '../io/atomic.js';
import type { Conversation, RejectMarker } from './types.js';
import { toShareGpt } from '../io/normalize.js';

export class Quarantine {
  private readonly w: JsonlWriter;
  constructor(readonly path: string) {
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
    const { __reject: _, record, ...rest } = r;
    await this.w.write({ ...rest, record: isConversation(record) ? toShareGpt(record) : record });
  }
  commit(): Promise<void> {
    return this.w.commit();
  }
  abort(): Promise<void> {
    return this.w.abort();
  }
}

function isConversation(x: unknown): x is Conversation {
  return typeof x === 'object' && x !== null && Array.isArray((x as Conversation).turns) && typeof (x as Conversation).source === 'object';
}
