/**
 * Rows → one Arrow RecordBatch, built straight from typed arrays (no per-value builders): a list
 * column is one offsets array plus one values array.
 */
import { type Field, Float32, type Int32, type List, makeData, RecordBatch, type Schema, Struct, Utf8, type Data, type DataType } from 'apache-arrow';
import type { Columns } from './features.js';

/** One output row (unpacked, or packed when position_ids/seq_lens/seq_ids are set). */
export interface OutRow {
  id: string;
  input_ids: Int32Array;
  labels: Int32Array;
  loss_weights?: Float32Array;
  position_ids?: Int32Array;
  seq_lens?: Int32Array;
  seq_ids?: string[];
}

const enc = new TextEncoder();

function utf8Data(values: readonly string[]): Data<Utf8> {
  const bytes = values.map((s) => enc.encode(s));
  const offsets = new Int32Array(values.length + 1);
  let n = 0;
  bytes.forEach((b, i) => {
    n += b.length;
    offsets[i + 1] = n;
  });
  const data = new Uint8Array(n);
  let at = 0;
  for (const b of bytes) {
    data.set(b, at);
    at += b.length;
  }
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

function listData<T extends DataType>(type: List<T>, child: Data<T>, lens: readonly number[]): Data<List<T>> {
  const offsets = new Int32Array(lens.length + 1);
  for (let i = 0; i < lens.length; i++) offsets[i + 1] = offsets[i]! + lens[i]!;
  return makeData({ type, length: lens.length, nullCount: 0, valueOffsets: offsets, child });
}

function concat<A extends Int32Array | Float32Array>(Ctor: { new (n: number): A }, parts: readonly A[]): A {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Ctor(n);
  let at = 0;
  for (const p of parts) {
    out.set(p as never, at);
    at += p.length;
  }
  return out;
}

function numList(type: DataType, parts: readonly (Int32Array | Float32Array)[]): Data {
  const lt = type as List;
  const inner = lt.children[0]!.type;
  const values = inner instanceof Float32 ? concat(Float32Array, parts as Float32Array[]) : concat(Int32Array, parts as Int32Array[]);
  const child = makeData({ type: inner as Int32, length: values.length, nullCount: 0, data: values as Int32Array });
  return listData(
    lt,
    child as Data,
    parts.map((p) => p.length),
  );
}

export function buildBatch(schema: Schema, c: Columns, rows: readonly OutRow[]): RecordBatch {
  const children: Data[] = [];
  for (const f of schema.fields) {
    switch (f.name) {
      case 'id':
        children.push(utf8Data(rows.map((r) => r.id)));
        break;
      case 'seq_ids': {
        const all = rows.flatMap((r) => r.seq_ids ?? []);
        children.push(
          listData(
            f.type as List<Utf8>,
            utf8Data(all),
            rows.map((r) => r.seq_ids?.length ?? 0),
          ),
        );
        break;
      }
      // The two mask columns are written straight into one values buffer each (no per-row array).
      case 'attention_mask': {
        const lens = rows.map((r) => r.input_ids.length);
        children.push(flatList(f.type, lens, (values) => values.fill(1)));
        break;
      }
      case 'assistant_masks': {
        const lens = rows.map((r) => r.labels.length);
        children.push(
          flatList(f.type, lens, (values) => {
            let at = 0;
            for (const r of rows) {
              assistantMaskInto(r.labels, values, at);
              at += r.labels.length;
            }
          }),
        );
        break;
      }
      case 'seq_lengths':
        children.push(
          numList(
            f.type,
            rows.map((r) => r.seq_lens ?? missing(f.name, c)),
          ),
        );
        break;
      default: {
        const key = f.name as 'input_ids' | 'labels' | 'loss_weights' | 'position_ids';
        children.push(
          numList(
            f.type,
            rows.map((r) => r[key] ?? missing(f.name, c)),
          ),
        );
      }
    }
  }
  const struct = makeData({ type: new Struct(schema.fields as Field[]), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, struct);
}

/** 1 where the token is trained (label kept), else 0: labels and mask never disagree. */
function assistantMaskInto(labels: Int32Array, out: Int32Array, at: number): void {
  for (let i = 0; i < labels.length; i++) out[at + i] = labels[i] === -100 ? 0 : 1;
}

/** An int32 list column whose values `fill` writes into one buffer of sum(lens) values. */
function flatList(type: DataType, lens: readonly number[], fill: (values: Int32Array) => void): Data {
  const lt = type as List;
  let n = 0;
  for (const l of lens) n += l;
  const values = new Int32Array(n);
  fill(values);
  const child = makeData({ type: lt.children[0]!.type as Int32, length: n, nullCount: 0, data: values });
  return listData(lt, child as Data, lens);
}

function missing(name: string, c: Columns): never {
  throw new Error(`row without ${name} written to a dataset with columns ${JSON.stringify(c)}`);
}

/** Bytes a row adds to a shard (values only; offsets and framing are small): decides shard rollover. */
export function rowBytes(r: OutRow): number {
  // ids, labels, attention_mask, assistant_masks.
  let n = r.id.length + 8 + 4 * (r.input_ids.length + r.labels.length) * 2;
  if (r.loss_weights) n += 4 * r.loss_weights.length;
  if (r.position_ids) n += 4 * r.position_ids.length;
  if (r.seq_lens) n += 4 * r.seq_lens.length;
  if (r.seq_ids) for (const s of r.seq_ids) n += s.length + 4;
  return n;
}
