/**
 * One OpenChat Parquet file (parquet-openchat.ts writes one per epoch): the schema OpenChat's trainer reads
 * (imoneoi/openchat ochat/data/generate_dataset.py, ochat/training_deepspeed/openchat_dataset.py):
 *
 *   total_length int32, num_seqs float32, seqlens list<int32>, nz_input_ids list<int32>,
 *   nz_position_ids list<int32>, nz_shifted_label_ids list<int32>, nz_shifted_loss_weights list<float32>
 *
 * with schema metadata `metadata_json` = {"model_type": …}. Labels are shifted left by one within
 * each sequence (`labels[1:] + [PAD]`, PAD = 0, a token with weight 0 labelled PAD), weights likewise
 * (`weights[1:] + [0.0]`), `num_seqs` is the sum of the shifted weights (ochat's name for it), and
 * trailing zero-weight tokens are dropped first (`truncate_trailing_zero_weighted`).
 *
 * Writer: hyparquet-writer. It writes row groups incrementally through a flushable writer (memory
 * stays flat), is pure JS, and its output reads back with hyparquet and with arrow-rs (checked with
 * parquet-wasm while choosing); parquet-wasm writes only whole tables, @dsnp/parquetjs only the old
 * repeated-field list encoding.
 */
import { createHash, type Hash } from 'node:crypto';
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { AtomicWriter } from '../../io/atomic.js';
import { IGNORE_INDEX } from '../mask.js';
import type { OutRow } from './arrow-batch.js';
import type { ShardInfo } from './arrow-shard.js';

export const OPENCHAT_PAD_ID = 0;
const ROWS_PER_GROUP = 2000;

const list = (name: string, type: 'INT32' | 'FLOAT'): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', type },
];

export const OPENCHAT_SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 7 },
  { name: 'total_length', repetition_type: 'OPTIONAL', type: 'INT32' },
  { name: 'num_seqs', repetition_type: 'OPTIONAL', type: 'FLOAT' },
  ...list('seqlens', 'INT32'),
  ...list('nz_input_ids', 'INT32'),
  ...list('nz_position_ids', 'INT32'),
  ...list('nz_shifted_label_ids', 'INT32'),
  ...list('nz_shifted_loss_weights', 'FLOAT'),
];

/** The columns in HF features JSON (for the manifest), same conventions as features.ts. */
export function openChatFeatures(): Record<string, unknown> {
  const v = (dtype: string) => ({ dtype, _type: 'Value' });
  const seq = (dtype: string) => ({ feature: v(dtype), length: -1, _type: 'Sequence' });
  return {
    total_length: v('int32'),
    num_seqs: v('float32'),
    seqlens: seq('int32'),
    nz_input_ids: seq('int32'),
    nz_position_ids: seq('int32'),
    nz_shifted_label_ids: seq('int32'),
    nz_shifted_loss_weights: seq('float32'),
  };
}

export interface OpenChatRow {
  total_length: number;
  num_seqs: number;
  seqlens: number[];
  nz_input_ids: number[];
  nz_position_ids: number[];
  nz_shifted_label_ids: number[];
  nz_shifted_loss_weights: number[];
}

/** Our row (one sequence, or several when packed) in ochat's form; null when nothing is trained. */
export function toOpenChatRow(r: OutRow): OpenChatRow | null {
  const lens = r.seq_lens ? Array.from(r.seq_lens) : [r.input_ids.length];
  const weights = r.loss_weights ?? Float32Array.from(r.labels, (l) => (l === IGNORE_INDEX ? 0 : 1));
  const out: OpenChatRow = { total_length: 0, num_seqs: 0, seqlens: [], nz_input_ids: [], nz_position_ids: [], nz_shifted_label_ids: [], nz_shifted_loss_weights: [] };
  let at = 0;
  for (const len of lens) {
    let end = at + len;
    // ochat's truncate_trailing_zero_weighted.
    while (end > at && weights[end - 1] === 0) end--;
    const n = end - at;
    if (n > 0) {
      out.seqlens.push(n);
      for (let i = at; i < end; i++) {
        out.nz_input_ids.push(r.input_ids[i]!);
        out.nz_position_ids.push(i - at);
        const next = i + 1 < end ? i + 1 : -1;
        const w = next < 0 ? 0 : weights[next]!;
        out.nz_shifted_label_ids.push(next < 0 || w === 0 ? OPENCHAT_PAD_ID : r.input_ids[next]!);
        out.nz_shifted_loss_weights.push(w);
        out.num_seqs += w;
      }
    }
    at += len;
  }
  out.total_length = out.nz_input_ids.length;
  out.num_seqs = Math.fround(out.num_seqs);
  return out.total_length > 0 ? out : null;
}

/** A hyparquet Writer that drains its buffer into an AtomicWriter after every row group. */
class FileSink extends ByteWriter {
  readonly hash: Hash = createHash('sha256');
  constructor(readonly out: AtomicWriter) {
    super(1 << 20);
  }
  private drain(): Promise<void> {
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    this.hash.update(chunk);
    return this.out.write(chunk);
  }
  flush(): Promise<void> {
    return this.drain();
  }
  override finish(): Promise<void> {
    return this.drain();
  }
}

export class OpenChatParquetWriter {
  private readonly out: AtomicWriter;
  private sink: FileSink | undefined;
  private writer: ParquetWriter | undefined;
  private pending: OpenChatRow[] = [];
  rows = 0;

  constructor(
    readonly path: string,
    private readonly modelType: string,
  ) {
    this.out = new AtomicWriter(path);
  }

  async open(): Promise<this> {
    await this.out.open();
    this.sink = new FileSink(this.out);
    this.writer = new ParquetWriter({
      writer: this.sink,
      schema: OPENCHAT_SCHEMA,
      kvMetadata: [{ key: 'metadata_json', value: JSON.stringify({ model_type: this.modelType }) }],
      createdBy: 'sftforge (hyparquet-writer)',
    });
    return this;
  }

  /** Returns false when the row has no trained token left in ochat's form (not written). */
  async write(r: OutRow): Promise<boolean> {
    const row = toOpenChatRow(r);
    if (!row) return false;
    await this.writeRow(row);
    return true;
  }

  async writeRow(row: OpenChatRow): Promise<void> {
    this.pending.push(row);
    this.rows++;
    if (this.pending.length >= ROWS_PER_GROUP) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pending.length) return;
    const rows = this.pending;
    this.pending = [];
    const col = <K extends keyof OpenChatRow>(k: K) => ({ name: k, data: rows.map((r) => r[k]) });
    await this.writer!.write({
      columnData: [col('total_length'), col('num_seqs'), col('seqlens'), col('nz_input_ids'), col('nz_position_ids'), col('nz_shifted_label_ids'), col('nz_shifted_loss_weights')],
      rowGroupSize: rows.length,
    });
  }

  async finish(name: string): Promise<ShardInfo> {
    const info = await this.prepare(name);
    await this.publish();
    return info;
  }

  /** Everything written and closed under the temporary name (publish() renames it). */
  async prepare(name: string): Promise<ShardInfo> {
    await this.flush();
    await this.writer!.finish();
    const bytes = this.out.bytes;
    await this.out.finish();
    return { file: name, rows: this.rows, bytes, sha256: this.sink!.hash.digest('hex') };
  }

  publish(): Promise<void> {
    return this.out.publish();
  }

  async abort(): Promise<void> {
    await this.out.abort();
  }
}
