/**
 * Arrow IPC stream shards to Parquet, with parquet-wasm (the Rust arrow-rs Parquet writer
 * compiled to WebAssembly). It takes the IPC stream bytes as they are, so list<int32> and
 * list<float32> columns are written with the standard 3-level LIST layout and the Arrow schema
 * is stored in the file's metadata: readers (pyarrow, datasets, DuckDB) get back exactly the
 * types `tokenize` wrote. The output is deterministic (same shard, same bytes), which keeps a
 * re-push of an unchanged folder a no-op.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Compression, Table, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { writeFileAtomic } from '../io/atomic.js';
import type { LocalFile } from './folder.js';
import { digestFile } from './hash.js';

/** Converts one shard; returns the Parquet bytes. Snappy: the codec every Parquet reader has. */
export function arrowStreamToParquet(ipcStream: Uint8Array): Uint8Array {
  const table = Table.fromIPCStream(ipcStream);
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
  return writeParquet(table, props);
}

/**
 * Converts the shards into `workDir` (named by the source sha256, so an interrupted push reuses
 * what it already converted) and returns them as the files to upload. One shard is in memory at
 * a time.
 */
export async function toParquetFiles(shards: LocalFile[], workDir: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for (const s of shards) {
    const localPath = join(workDir, `${s.digest.sha256}.parquet`);
    const done = await digestFile(localPath).catch(() => undefined);
    const digest = done ?? (await convert(s.localPath, localPath));
    out.push({ repoPath: s.repoPath.replace(/\.arrow$/, '.parquet'), localPath, digest });
  }
  return out;
}

async function convert(src: string, dest: string) {
  const bytes = arrowStreamToParquet(await readFile(src));
  await writeFileAtomic(dest, bytes);
  return digestFile(dest);
}
