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
import { createHash } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Data, Field, List, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';
import type { Conversation } from '../../core/types.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { datasetName } from '../../io/writers/messages.js';
import { ArrowShardWriter, type ShardInfo } from './arrow-shard.js';
import { datasetInfo, type HfDatasetSummary, type HfWriterOptions, shardName, stateJson } from './hf-dataset.js';
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

const SHARD_RE = /^data-\d{5}-of-\d{5}\.arrow$/;
const STRAY_RE = /^data-\d{5}\.arrow\.incomplete(\.tmp-\d+)?$/;

/** HfDatasetWriter's layout and rollover rules, for messages rows. */
export class MessagesDatasetWriter {
  private readonly schema = messagesSchema();
  private readonly shardBytes: number;
  private readonly batchRows: number;
  private shard: ArrowShardWriter | undefined;
  private shardBytesSoFar = 0;
  private pending: MessagesRow[] = [];
  private pendingBytes = 0;
  private readonly done: ShardInfo[] = [];
  rows = 0;
  /** Turns whose weight / tool calls (or tool name) have no column here. */
  weightsDropped = 0;
  toolCallsDropped = 0;

  constructor(
    readonly dir: string,
    o: HfWriterOptions = {},
  ) {
    this.shardBytes = o.shardBytes ?? 500e6;
    this.batchRows = o.batchRows ?? 1000;
  }

  async write(c: Conversation): Promise<void> {
    if (!Array.isArray(c?.turns)) throw new Error(`write_hf ${this.dir}: record ${String(c?.id)} is neither a conversation nor a tokenized row (put tokenize before write_hf for token rows)`);
    for (const t of c.turns) {
      if (t.weight !== undefined) this.weightsDropped++;
      if (t.tool_calls?.length || t.name !== undefined) this.toolCallsDropped++;
    }
    const row = toMessagesRow(c);
    this.pending.push(row);
    let b = Buffer.byteLength(row.id) + Buffer.byteLength(row.dataset) + 8;
    for (const m of row.messages) b += Buffer.byteLength(m.role) + Buffer.byteLength(m.content) + 8;
    this.pendingBytes += b;
    this.rows++;
    if (this.pending.length >= this.batchRows || this.shardBytesSoFar + this.pendingBytes >= this.shardBytes) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    this.shard ??= await this.openShard();
    this.shard.write(buildMessagesBatch(this.schema, this.pending));
    this.shardBytesSoFar += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.shardBytesSoFar >= this.shardBytes) await this.closeShard();
  }

  private async openShard(): Promise<ArrowShardWriter> {
    this.shardBytesSoFar = 0;
    return new ArrowShardWriter(join(this.dir, `data-${String(this.done.length).padStart(5, '0')}.arrow.incomplete`), this.schema).open();
  }

  private async closeShard(): Promise<void> {
    const s = this.shard;
    if (!s) return;
    this.shard = undefined;
    this.done.push(await s.close(s.path));
  }

  /** As HfDatasetWriter.finish: shards named `-of-N`, metadata written, then stale shards removed. */
  async finish(): Promise<HfDatasetSummary> {
    await this.flush();
    // An empty dataset still gets one (empty) shard: datasets reads the schema from it.
    if (this.done.length === 0 && !this.shard) this.shard = await this.openShard();
    await this.closeShard();
    const shards: ShardInfo[] = [];
    for (const [i, s] of this.done.entries()) {
      const file = shardName(i, this.done.length);
      await rename(s.file, join(this.dir, file));
      shards.push({ ...s, file });
    }
    const features = MESSAGES_FEATURES as unknown as Record<string, unknown>;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(features))
      .update(shards.map((s) => s.sha256).join(','))
      .digest('hex')
      .slice(0, 16);
    await writeFileAtomic(join(this.dir, 'dataset_info.json'), JSON.stringify(datasetInfo(features), null, 2) + '\n');
    await writeFileAtomic(join(this.dir, 'state.json'), JSON.stringify(stateJson(shards, fingerprint), null, 2) + '\n');
    const keep = new Set(shards.map((s) => s.file));
    for (const f of await readdir(this.dir)) {
      if ((SHARD_RE.test(f) && !keep.has(f)) || STRAY_RE.test(f)) await rm(join(this.dir, f), { force: true });
    }
    return { shards, rows: this.rows, features, fingerprint };
  }

  async abort(): Promise<void> {
    await this.shard?.abort();
    this.shard = undefined;
    for (const s of this.done) await rm(s.file, { force: true });
  }
}
