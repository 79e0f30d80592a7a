/**
 * One Arrow IPC **stream** file (the format `datasets` memory-maps: `load_from_disk` and
 * `load_dataset("arrow")` read only the stream format, not the file format), written batch by
 * batch through an AtomicWriter, its sha256 computed on the way.
 */
import { createHash, type Hash } from 'node:crypto';
import { RecordBatchStreamWriter, type RecordBatch, type Schema } from 'apache-arrow';
import { AtomicWriter } from '../../io/atomic.js';

export interface ShardInfo {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export class ArrowShardWriter {
  private readonly out: AtomicWriter;
  private readonly ipc = new RecordBatchStreamWriter();
  private readonly hash: Hash = createHash('sha256');
  private pump: Promise<void> | undefined;
  rows = 0;

  constructor(
    readonly path: string,
    private readonly schema: Schema,
  ) {
    this.out = new AtomicWriter(path);
  }

  async open(): Promise<this> {
    await this.out.open();
    // Drains the IPC writer's queue into the file as batches are written. Iterating the writer
    // itself, not `toNodeStream()`: apache-arrow 21's Node stream adapter can drop a read request
    // after a shard closes and the pump then waits forever (seen on a 537 MB tokenize run).
    this.pump = (async () => {
      for await (const chunk of this.ipc as AsyncIterable<Uint8Array>) {
        this.hash.update(chunk);
        await this.out.write(chunk);
      }
    })();
    this.pump.catch(() => undefined);
    this.ipc.reset(undefined, this.schema);
    return this;
  }

  write(batch: RecordBatch): void {
    this.ipc.write(batch);
    this.rows += batch.numRows;
  }

  /** Ends the stream, commits the file, returns its size and hash. */
  async close(name: string): Promise<ShardInfo> {
    this.ipc.finish();
    await this.pump;
    const bytes = this.out.bytes;
    await this.out.commit();
    return { file: name, rows: this.rows, bytes, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    try {
      this.ipc.finish();
      await this.pump;
    } catch {
      // The file is removed below whatever state the stream was in.
    }
    await this.out.abort();
  }
}
