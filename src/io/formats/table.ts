/**
 * Parquet and Arrow files as a stream of row objects, one row group (Parquet) or record batch
 * (Arrow IPC file or stream, as `datasets` writes them) at a time, so memory holds one group.
 * Values become plain JSON-like data: nested lists and structs as arrays and objects, int64 as
 * numbers (as strings beyond 2^53), dates as ISO strings. Parquet pages compressed with snappy
 * (the default of pyarrow and `datasets`) or uncompressed are read; other codecs are refused.
 */
import { createReadStream } from 'node:fs';
import { InputError } from '../../core/errors.js';
import type { SourcePos } from '../../core/types.js';

export interface TableRow {
  value: unknown;
  source: SourcePos;
}

export type TableKind = 'parquet' | 'arrow';

export function tableKind(file: string): TableKind | undefined {
  const f = file.toLowerCase();
  if (f.endsWith('.parquet') || f.endsWith('.pq')) return 'parquet';
  if (f.endsWith('.arrow') || f.endsWith('.feather') || f.endsWith('.ipc')) return 'arrow';
  return undefined;
}

/** Arrow/Parquet values → plain data. */
export function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v)) return v instanceof Uint8Array ? v : Array.from(v as unknown as ArrayLike<number | bigint>, plain);
  if (Array.isArray(v)) return v.map(plain);
  const o = v as { toArray?: () => unknown; toJSON?: () => unknown; [Symbol.iterator]?: unknown; type?: unknown };
  // apache-arrow: a Vector (list cell) iterates its values; a StructRow/MapRow has toJSON().
  if (typeof o.toArray === 'function' && o.type !== undefined && typeof o[Symbol.iterator] === 'function') return Array.from(o as Iterable<unknown>, plain);
  if (typeof o.toJSON === 'function') {
    const j = o.toJSON();
    if (j !== v) return plain(j);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plain(x);
  return out;
}

export async function* readTable(file: string, kind = tableKind(file)): AsyncGenerator<TableRow> {
  if (kind === 'parquet') yield* readParquet(file);
  else if (kind === 'arrow') yield* readArrow(file);
  else throw new InputError(file, 'is not a Parquet or Arrow file (by its extension)', 'name it .parquet or .arrow');
}

async function* readParquet(file: string): AsyncGenerator<TableRow> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  let buf;
  let meta;
  try {
    buf = await asyncBufferFromFile(file);
    meta = await parquetMetadataAsync(buf);
  } catch (e) {
    throw new InputError(file, `cannot be read as Parquet: ${(e as Error).message}`, 'check that the file is a complete Parquet file');
  }
  let start = 0;
  for (const rg of meta.row_groups) {
    const n = Number(rg.num_rows);
    let rows;
    try {
      rows = await parquetReadObjects({ file: buf, metadata: meta, rowStart: start, rowEnd: start + n });
    } catch (e) {
      throw new InputError(file, `row group at row ${start}: ${(e as Error).message}`, 'rewrite the file with snappy or no compression (pyarrow: compression="snappy")');
    }
    for (let i = 0; i < rows.length; i++) yield { value: plain(rows[i]), source: { file, index: start + i } };
    start += n;
  }
}

async function* readArrow(file: string): AsyncGenerator<TableRow> {
  const { RecordBatchReader } = await import('apache-arrow');
  let index = 0;
  try {
    const reader = await RecordBatchReader.from(createReadStream(file));
    for await (const batch of reader) {
      for (let i = 0; i < batch.numRows; i++) yield { value: plain(batch.get(i)), source: { file, index: index++ } };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `cannot be read as Arrow IPC at row ${index}: ${(e as Error).message}`, 'check that the file is an Arrow IPC file or stream');
  }
}
