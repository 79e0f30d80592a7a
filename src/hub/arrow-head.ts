/**
 * Reads the schema and the first row of an Arrow IPC stream shard without loading the rest:
 * the card needs the features and one sample row, and shards can be gigabytes.
 */
import { createReadStream } from 'node:fs';
import { RecordBatchReader, type Schema } from 'apache-arrow';

export interface ArrowHead {
  schema: Schema;
  /** The first row as plain values (lists as number[] / string[]), or undefined for an empty shard. */
  row?: Record<string, unknown>;
}

export async function readArrowHead(path: string): Promise<ArrowHead> {
  const stream = createReadStream(path);
  try {
    const reader = await RecordBatchReader.from(stream);
    await reader.open();
    if (!reader.isStream()) throw new Error('not an Arrow IPC stream');
    const schema = reader.schema;
    // Skip empty batches: a writer may flush one before any row.
    for (let r = await reader.next(); !r.done; r = await reader.next()) {
      const batch = r.value;
      if (batch.numRows === 0) continue;
      const row: Record<string, unknown> = {};
      for (const f of schema.fields) row[f.name] = plain(batch.getChild(f.name)?.get(0));
      await reader.return();
      return { schema, row };
    }
    return { schema };
  } finally {
    stream.destroy();
  }
}

/** Arrow vectors and typed arrays to plain JS values (numbers stay numbers; bigint to number when safe). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, plain);
  const it = v as { toArray?: () => unknown; toJSON?: () => unknown; [Symbol.iterator]?: unknown };
  if (typeof it[Symbol.iterator] === 'function') return Array.from(v as Iterable<unknown>, plain);
  if (typeof it.toJSON === 'function') return it.toJSON();
  return v;
}
