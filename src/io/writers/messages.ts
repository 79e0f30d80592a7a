/**
 * Messages JSONL: `{"id", "dataset", "messages": [{"role", "content"}]}` per line, the form TRL's
 * SFTTrainer, axolotl (`type: chat_template`) and open-instruct tokenize at train time.
 * `dataset` is the source's name as open-instruct writes it (the record's `meta.dataset` when a
 * reader kept one, else the input file's name without folder and extension); a message's `weight`
 * is kept when set (axolotl reads a per-message `weight`; 0 leaves the turn untrained).
 */
import { basename } from 'node:path';
import type { Conversation } from '../../core/types.js';
import { JsonlWriter } from '../atomic.js';

export interface MessagesRecord {
  id: string;
  dataset: string;
  messages: { role: string; content: string; weight?: number }[];
}

/** The source's name: meta.dataset, else `data/sharegpt_v3.jsonl` → `sharegpt_v3`. */
export function datasetName(c: Conversation): string {
  const d = c.meta?.dataset;
  if (typeof d === 'string' && d) return d;
  const file = basename(c.source?.file ?? '');
  return file.replace(/\.(jsonl?|json\.gz|jsonl\.gz|parquet|arrow|html?)$/i, '');
}

export function toMessages(c: Conversation): MessagesRecord {
  return {
    id: c.id,
    dataset: datasetName(c),
    messages: c.turns.map((t) => (t.weight !== undefined ? { role: t.role, content: t.content, weight: t.weight } : { role: t.role, content: t.content })),
  };
}

/** Writes conversations as messages JSONL under a temporary name (finish + publish, or commit). */
export class MessagesWriter {
  private readonly w: JsonlWriter;
  rows = 0;
  constructor(readonly path: string) {
    this.w = new JsonlWriter(path);
  }
  async open(): Promise<this> {
    await this.w.open();
    return this;
  }
  async write(c: Conversation): Promise<void> {
    await this.w.write(toMessages(c));
    this.rows++;
  }
  finish(): Promise<void> {
    return this.w.finish();
  }
  publish(): Promise<void> {
    return this.w.publish();
  }
  commit(): Promise<void> {
    return this.w.commit();
  }
  abort(): Promise<void> {
    return this.w.abort();
  }
}
