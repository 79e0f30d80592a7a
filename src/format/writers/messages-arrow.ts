/**
 * Conversations as a `datasets.Dataset.save_to_disk` folder of messages rows,
 * `{id, dataset, messages: [{role, content}]}` (TRL's conversational form, open-instruct's columns):
 * Arrow stream shards, `dataset_info.json` and `state.json` as hf-dataset.ts writes them for
 * tokenized rows. Features are exactly what datasets (5.x) writes for this schema:
 * `messages` is `{"feature": {"role": …, "content": …}, "_type": "List"}`, a list of structs.
 * (Not `Sequence`: `Sequence` of a dict means a struct of lists to every datasets version.)
 * A message's `weight`, `tool_calls` and `name` are not columns: the writer counts the turns that
 * had them (`messages_weight_not_written`, `messages_tool_calls_not_written`) so the loss shows in the report.
 */
import { type Data, Field, List, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';
import type { Conversation } from '../../core/types.js';
import { datasetName } from '../../io/writers/messages.js';
import type { ShardInfo } from './arrow-shard.js';
import { type HfWriterOptions, ShardedDatasetWriter } from './hf-dataset.js';
import type { DeterministicReport } from './manifest.js';

export interface MessagesRow {
  id: string;
  dataset: string;
  messages: { role: string; content: string }[];
}

/** `sftforge.json` of a messages folder (write_hf without a tokenize step). */
export interface MessagesManifest {
  sftforge_version: string;
  kind: 'messages';
  format: 'hf';
  rows: number;
  shards: ShardInfo[];
  features: Record<string, unknown>;
  fingerprint: string;
  report: DeterministicReport;
}

const str = { dtype: 'string', _type: 'Value' } as const;
/** Key order is datasets' own (it is also the column order). */
export const MESSAGES_FEATURES = {
  id: str,
  dataset: str,
  messages: { feature: { role: str, content: str }, _type: 'List' },
} as const;

const MESSAGE = new Struct([new Field('role', new Utf8(), true), new Field('content', new Utf8(), true)]);

export function messagesSchema(): Schema {
  const fields = [new Field('id', new Utf8(), true), new Field('dataset', new Utf8(), true), new Field('messages', new List(new Field('item', MESSAGE, true)), true)];
  return new Schema(fields, new Map([['huggingface', JSON.stringify({ info: { features: MESSAGES_FEATURES } })]]));
}

/** The row a conversation becomes; `dataset` as write_messages names it (the record's dataset, else the source's name). */
export function toMessagesRow(c: Conversation): MessagesRow {
  return { id: c.id, dataset: datasetName(c), messages: c.turns.map((t) => ({ role: t.role, content: t.content })) };
}

const enc = new TextEncoder();

function utf8(values: readonly string[]): Data<Utf8> {
  const bytes = values.map((s) => enc.encode(s));
  const offsets = new Int32Array(values.length + 1);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) offsets[i + 1] = n += bytes[i]!.length;
  const data = new Uint8Array(n);
  for (let i = 0; i < bytes.length; i++) data.set(bytes[i]!, offsets[i]!);
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

export function buildMessagesBatch(schema: Schema, rows: readonly MessagesRow[]): RecordBatch {
  const all = rows.flatMap((r) => r.messages);
  const struct = makeData({ type: MESSAGE, length: all.length, nullCount: 0, children: [utf8(all.map((m) => m.role)), utf8(all.map((m) => m.content))] });
  const offsets = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) offsets[i + 1] = offsets[i]! + rows[i]!.messages.length;
  const messages = makeData({ type: schema.fields[2]!.type as List<Struct>, length: rows.length, nullCount: 0, valueOffsets: offsets, child: struct });
  const children = [utf8(rows.map((r) => r.id)), utf8(rows.map((r) => r.dataset)), messages];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

function messageBytes(row: MessagesRow): number {
  let b = Buffer.byteLength(row.id) + Buffer.byteLength(row.dataset) + 8;
  for (const m of row.messages) b += Buffer.byteLength(m.role) + Buffer.byteLength(m.content) + 8;
  return b;
}

/** The save_to_disk folder of messages rows (hf-dataset.ts's writer with this layout). */
export class MessagesDatasetWriter extends ShardedDatasetWriter<MessagesRow> {
  /** Turns whose weight / tool calls (or tool name) have no column here. */
  weightsDropped = 0;
  toolCallsDropped = 0;

  constructor(dir: string, o: HfWriterOptions = {}) {
    const schema = messagesSchema();
    super(dir, { schema, features: MESSAGES_FEATURES as unknown as Record<string, unknown>, build: (rows) => buildMessagesBatch(schema, rows), bytes: messageBytes }, o);
  }

  async writeConversation(c: Conversation): Promise<void> {
    if (!Array.isArray(c?.turns)) throw new Error(`write_hf ${this.dir}: record ${String(c?.id)} is neither a conversation nor a tokenized row (put tokenize before write_hf for token rows)`);
    for (const t of c.turns) {
      if (t.weight !== undefined) this.weightsDropped++;
      if (t.tool_calls?.length || t.name !== undefined) this.toolCallsDropped++;
    }
    await this.write(toMessagesRow(c));
  }
}
