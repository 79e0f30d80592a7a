/**
 * Rows of a rank's Arrow shards read back as `OutRow`s (id, input_ids, labels, loss_weights),
 * batch by batch through the columns' raw buffers: memory is one record batch.
 */
import { createReadStream } from 'node:fs';
import { RecordBatchReader, type Data, type Vector } from 'apache-arrow';
import type { OutRow } from '../format/writers/arrow-batch.js';

const dec = new TextDecoder();

function only(vec: Vector | null, name: string, file: string): Data {
  if (!vec) throw new Error(`${file}: no ${name} column`);
  if (vec.data.length !== 1) throw new Error(`${file}: ${name} has ${vec.data.length} chunks in one batch`);
  return vec.data[0]!;
}

/** Rows i of a list column as a copy (the batch's buffers are not kept). */
function listCopy<T extends Int32Array | Float32Array>(d: Data, row: number, Ctor: { new (a: ArrayLike<number>): T }): T {
  const off = d.valueOffsets as Int32Array;
  const child = d.children[0]!;
  const values = child.values as T;
  const s = off[d.offset + row]! + child.offset;
  const e = off[d.offset + row + 1]! + child.offset;
  return new Ctor(values.subarray(s, e));
}

function utf8(d: Data, row: number): string {
  const off = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  return dec.decode(bytes.subarray(off[d.offset + row]!, off[d.offset + row + 1]!));
}

export async function* readArrowRows(files: readonly string[]): AsyncGenerator<OutRow> {
  for (const file of files) {
    const reader = await RecordBatchReader.from(createReadStream(file));
    for await (const batch of reader) {
      const id = only(batch.getChild('id'), 'id', file);
      const ids = only(batch.getChild('input_ids'), 'input_ids', file);
      const labels = only(batch.getChild('labels'), 'labels', file);
      const lw = batch.getChild('loss_weights');
      const weights = lw ? only(lw, 'loss_weights', file) : undefined;
      for (let i = 0; i < batch.numRows; i++) {
        const row: OutRow = { id: utf8(id, i), input_ids: listCopy(ids, i, Int32Array), labels: listCopy(labels, i, Int32Array) };
        if (weights) row.loss_weights = listCopy(weights, i, Float32Array);
        yield row;
      }
    }
  }
}
