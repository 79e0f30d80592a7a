/**
 * `--pack`: first-fit-decreasing over the whole dataset into rows of at most max-len tokens.
 *
 * Memory stays flat: while tokenizing, each sequence's tokens go to a temporary spill file and only
 * (length, file offset) stay in memory; FFD then assigns sequences to bins, and a second pass reads
 * each bin's sequences back and writes packed rows. Sequences are taken longest first, ties by
 * input order; each goes to the lowest-numbered bin with room (a max segment tree over the bins'
 * free space finds it in O(log n)); bins are written in creation order. Deterministic.
 *
 * A packed row holds `position_ids` restarting at 0 for each sequence and `seq_lens`; the label of
 * each sequence's first token is -100, since no token of the same sequence predicts it (the same
 * choice as transformers' DataCollatorWithFlattening).
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { IGNORE_INDEX } from './mask.js';
import type { OutRow } from './writers/arrow-batch.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Growable typed storage for (length, offset) per sequence. */
class Column<T extends Float64Array | Uint32Array> {
  a: T;
  n = 0;
  constructor(private readonly Ctor: { new (n: number): T }) {
    this.a = new Ctor(1024);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new this.Ctor(this.a.length * 2);
      b.set(this.a as never);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

export class PackSpill {
  private fh: FileHandle | undefined;
  private pos = 0;
  private readonly lens = new Column(Uint32Array);
  private readonly offs = new Column(Float64Array);
  private buf: Buffer[] = [];
  private bufLen = 0;
  /** Sequences whose first token was trained: its label is dropped when packed (see above). */
  firstLabelsMasked = 0;

  constructor(
    readonly path: string,
    private readonly weights: boolean,
  ) {}

  async open(): Promise<this> {
    this.fh = await open(this.path, 'w+');
    return this;
  }

  get count(): number {
    return this.lens.n;
  }

  /** Record: u32 id bytes, id, then ids, labels (and weights) of `len` 4-byte values each. */
  async write(id: string, ids: Int32Array, labels: Int32Array, weights: Float32Array | undefined): Promise<void> {
    const idb = enc.encode(id);
    const n = ids.length;
    const rec = Buffer.alloc(4 + idb.length + 4 * n * (this.weights ? 3 : 2));
    rec.writeUInt32LE(idb.length, 0);
    rec.set(idb, 4);
    let at = 4 + idb.length;
    rec.set(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength), at);
    at += 4 * n;
    rec.set(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength), at);
    at += 4 * n;
    if (this.weights) rec.set(new Uint8Array(weights!.buffer, weights!.byteOffset, weights!.byteLength), at);
    this.lens.push(n);
    this.offs.push(this.pos);
    this.pos += rec.length;
    this.buf.push(rec);
    this.bufLen += rec.length;
    if (this.bufLen >= 8 << 20) await this.flushBuf();
  }

  private async flushBuf(): Promise<void> {
    if (!this.bufLen) return;
    const all = Buffer.concat(this.buf, this.bufLen);
    this.buf = [];
    this.bufLen = 0;
    await this.fh!.write(all, 0, all.length, null);
  }

  /** Bins as lists of sequence indices (FFD). */
  async plan(maxLen: number): Promise<Uint32Array[]> {
    await this.flushBuf();
    return ffd(this.lens.a.subarray(0, this.lens.n), maxLen);
  }

  private async read(i: number): Promise<{ id: string; ids: Int32Array; labels: Int32Array; weights?: Float32Array }> {
    const n = this.lens.a[i]!;
    const head = Buffer.alloc(4);
    await this.fh!.read(head, 0, 4, this.offs.a[i]!);
    const idLen = head.readUInt32LE(0);
    const body = Buffer.alloc(idLen + 4 * n * (this.weights ? 3 : 2));
    await this.fh!.read(body, 0, body.length, this.offs.a[i]! + 4);
    const id = dec.decode(body.subarray(0, idLen));
    const copy = (k: number) => new Uint8Array(body.subarray(idLen + 4 * n * k, idLen + 4 * n * (k + 1))).buffer;
    return { id, ids: new Int32Array(copy(0)), labels: new Int32Array(copy(1)), weights: this.weights ? new Float32Array(copy(2)) : undefined };
  }

  /** Reads a bin's sequences back and concatenates them into one packed row. */
  async packedRow(bin: Uint32Array, index: number): Promise<OutRow> {
    let total = 0;
    for (const i of bin) total += this.lens.a[i]!;
    const row: OutRow = {
      id: `packed_${index}`,
      input_ids: new Int32Array(total),
      labels: new Int32Array(total),
      loss_weights: this.weights ? new Float32Array(total) : undefined,
      position_ids: new Int32Array(total),
      seq_lens: new Int32Array(bin.length),
      seq_ids: [],
    };
    let at = 0;
    for (const [k, i] of bin.entries()) {
      const s = await this.read(i);
      const n = s.ids.length;
      row.input_ids.set(s.ids, at);
      row.labels.set(s.labels, at);
      if (n > 0 && row.labels[at] !== IGNORE_INDEX) {
        row.labels[at] = IGNORE_INDEX;
        this.firstLabelsMasked++;
      }
      if (row.loss_weights && s.weights) {
        row.loss_weights.set(s.weights, at);
        if (n > 0) row.loss_weights[at] = 0;
      }
      for (let p = 0; p < n; p++) row.position_ids![at + p] = p;
      row.seq_lens![k] = n;
      row.seq_ids!.push(s.id);
      at += n;
    }
    return row;
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    await rm(this.path, { force: true });
  }
}

/**
 * First-fit-decreasing. Returns bins (sequence indices, in the order placed) in creation order.
 * Lengths above `cap` are an error (chunking guarantees they fit).
 */
export function ffd(lens: ArrayLike<number>, cap: number): Uint32Array[] {
  const n = lens.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => lens[b]! - lens[a]! || a - b);
  // Segment tree over at most n bins: max free space per node; unopened bins have full capacity.
  let size = 1;
  while (size < Math.max(1, n)) size <<= 1;
  const tree = new Float64Array(2 * size).fill(cap);
  const members: number[][] = [];
  for (const i of order) {
    const len = lens[i]!;
    if (len > cap) throw new Error(`sequence ${i} has ${len} tokens > pack capacity ${cap}`);
    let node = 1;
    while (node < size) node = tree[2 * node]! >= len ? 2 * node : 2 * node + 1;
    const bin = node - size;
    (members[bin] ??= []).push(i);
    tree[node] = tree[node]! - len;
    for (node >>= 1; node >= 1; node >>= 1) tree[node] = Math.max(tree[2 * node]!, tree[2 * node + 1]!);
  }
  return members.map((m) => Uint32Array.from(m));
}
