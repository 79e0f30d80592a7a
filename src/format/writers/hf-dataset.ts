/**
 * The layout of `datasets.Dataset.save_to_disk`: `data-0000i-of-0000N.arrow` shards (Arrow IPC
 * streams of bounded size), `dataset_info.json` (features) and `state.json` (the shard list and a
 * fingerprint). Rows are written batch by batch; a shard is written under a provisional name and
 * renamed to `-of-0000N` once N is known, at the end. Everything is deterministic: batch and shard
 * boundaries depend only on the rows, and the fingerprint is a hash of the content.
 */
import { createHash } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordBatch, Schema } from 'apache-arrow';
import { writeFileAtomic } from '../../io/atomic.js';
import { buildBatch, type OutRow, rowBytes } from './arrow-batch.js';
import { ArrowShardWriter, type ShardInfo } from './arrow-shard.js';
import { arrowSchema, type Columns, hfFeatures } from './features.js';

export interface HfWriterOptions {
  /** Close a shard once it holds this many bytes of values (default 500 MB). */
  shardBytes?: number;
  /** Rows per record batch (datasets writes 1000). */
  batchRows?: number;
}

export interface HfDatasetSummary {
  shards: ShardInfo[];
  rows: number;
  features: Record<string, unknown>;
  fingerprint: string;
}

const SHARD_RE = /^data-\d{5}-of-\d{5}\.arrow$/;
const STRAY_RE = /^data-\d{5}\.arrow\.incomplete(\.tmp-\d+)?$/;
const BATCH_BYTES = 64 << 20;

export function shardName(i: number, n: number): string {
  return `data-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.arrow`;
}

/** How rows of one kind become Arrow: the schema, the features `datasets` reads back, batches, and a size estimate for rollover. */
export interface RowLayout<R> {
  schema: Schema;
  features: Record<string, unknown>;
  build(rows: readonly R[]): RecordBatch;
  bytes(row: R): number;
}

/**
 * The `save_to_disk` folder for any row layout: batches of `batchRows`, shards rolled over at
 * `shardBytes`, provisional names until N is known, then the metadata, then stale shards removed.
 */
export class ShardedDatasetWriter<R> {
  private readonly shardBytes: number;
  private readonly batchRows: number;
  private shard: ArrowShardWriter | undefined;
  private shardBytesSoFar = 0;
  private pending: R[] = [];
  private pendingBytes = 0;
  private readonly done: ShardInfo[] = [];
  rows = 0;

  constructor(
    readonly dir: string,
    private readonly layout: RowLayout<R>,
    o: HfWriterOptions = {},
  ) {
    this.shardBytes = o.shardBytes ?? 500e6;
    this.batchRows = o.batchRows ?? 1000;
  }

  async write(row: R): Promise<void> {
    this.pending.push(row);
    this.pendingBytes += this.layout.bytes(row);
    this.rows++;
    if (this.pending.length >= this.batchRows || this.pendingBytes >= BATCH_BYTES || this.shardBytesSoFar + this.pendingBytes >= this.shardBytes) {
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    this.shard ??= await this.openShard();
    this.shard.write(this.layout.build(this.pending));
    this.shardBytesSoFar += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.shardBytesSoFar >= this.shardBytes) await this.closeShard();
  }

  private openShard(): Promise<ArrowShardWriter> {
    this.shardBytesSoFar = 0;
    return new ArrowShardWriter(join(this.dir, `data-${String(this.done.length).padStart(5, '0')}.arrow.incomplete`), this.layout.schema).open();
  }

  private async closeShard(): Promise<void> {
    const s = this.shard;
    if (!s) return;
    this.shard = undefined;
    this.done.push(await s.close(s.path));
  }

  /** Flushes, names the shards `-of-N`, writes the metadata, then removes stale shards of an earlier run. */
  async finish(): Promise<HfDatasetSummary> {
    await this.flush();
    // An empty dataset still gets one (empty) shard: datasets needs a file to read the schema from.
    if (this.done.length === 0 && !this.shard) this.shard = await this.openShard();
    await this.closeShard();
    const n = this.done.length;
    const shards: ShardInfo[] = [];
    for (const [i, s] of this.done.entries()) {
      const file = shardName(i, n);
      await rename(s.file, join(this.dir, file));
      shards.push({ ...s, file });
    }
    const features = this.layout.features;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(features))
      .update(shards.map((s) => s.sha256).join(','))
      .digest('hex')
      .slice(0, 16);
    // The metadata first: a crash (or a full disk) after this point leaves state.json naming
    // the new shards, all present; stale ones are only removed once it is in place.
    await writeFileAtomic(join(this.dir, 'dataset_info.json'), JSON.stringify(datasetInfo(features), null, 2) + '\n');
    await writeFileAtomic(join(this.dir, 'state.json'), JSON.stringify(stateJson(shards, fingerprint), null, 2) + '\n');
    const keep = new Set(shards.map((s) => s.file));
    // Shards of an earlier run (more of them, or left half-written by a crash) would be read by
    // load_dataset("arrow", data_dir=...) along with ours.
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

/** Tokenized rows (ids, labels, masks; packed columns when packed). */
export class HfDatasetWriter extends ShardedDatasetWriter<OutRow> {
  constructor(
    dir: string,
    readonly columns: Columns,
    o: HfWriterOptions = {},
  ) {
    const schema = arrowSchema(columns);
    super(dir, { schema, features: hfFeatures(columns), build: (rows) => buildBatch(schema, columns, rows), bytes: rowBytes }, o);
  }
}

/** `dataset_info.json`: the fields `DatasetInfo` reads back (sorted, as datasets writes them). */
export function datasetInfo(features: Record<string, unknown>): Record<string, unknown> {
  return { citation: '', description: '', features, homepage: '', license: '' };
}

/** `state.json` as `save_to_disk` writes it (keys sorted). */
export function stateJson(shards: readonly ShardInfo[], fingerprint: string): Record<string, unknown> {
  return {
    _data_files: shards.map((s) => ({ filename: s.file })),
    _fingerprint: fingerprint,
    _format_columns: null,
    _format_kwargs: {},
    _format_type: null,
    _output_all_columns: false,
    _split: null,
  };
}
