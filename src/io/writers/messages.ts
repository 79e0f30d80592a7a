/**
 * Messages JSONL: `{"id", "dataset", "messages": [{"role", "content"}]}` per line, the form TRL's
 * SFTTrainer, axolotl (`type: chat_template`) and open-instruct tokenize at train time.
 * `dataset` is the source's name as open-instruct writes it (the record's `meta.dataset` when a
 * reader kept one, else the input file's name without folder and extension); a message's `weight`
 * is kept when set (axolotl reads a per-message `weight`; 0 leaves the turn untrained).
 */
import { basename } from 'node:path';
import type { Conversation } from '../../core/types.js';

export interface MessagesRecord {
  id: string;
  dataset: string;
  messages: Record<string, unknown>[];
  tools?: unknown;
  scores?: unknown;
  candidates?: unknown;
}

/** The source's name: meta.dataset, else `data/sharegpt_v3.jsonl` → `sharegpt_v3`. */
export function datasetName(c: Conversation): string {
  if (typeof c.dataset === 'string' && c.dataset) return c.dataset;
  const d = c.meta?.dataset;
  if (typeof d === 'string' && d) return d;
  const file = basename(c.source?.file ?? '');
  return file.replace(/\.(jsonl?|json\.gz|jsonl\.gz|parquet|arrow|html?)$/i, '');
}

/** Tool calls, tool names, the tools list, judge scores and candidates ride along when a record has them. */
export function toMessages(c: Conversation): MessagesRecord {
  const out: MessagesRecord = {
    id: c.id,
    dataset: datasetName(c),
    messages: c.turns.map((t) => {
      const m: Record<string, unknown> = { role: t.role, content: t.content };
      if (t.tool_calls !== undefined) m.tool_calls = t.tool_calls;
      if (t.name !== undefined) m.name = t.name;
      if (t.weight !== undefined) m.weight = t.weight;
      return m;
    }),
  };
  if (c.tools !== undefined) out.tools = c.tools;
  if (c.scores !== undefined) out.scores = c.scores;
  if (c.candidates !== undefined) out.candidates = c.candidates;
  return out;
}
