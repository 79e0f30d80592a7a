/**
 * Records parked on disk while a mixture is planned: one JSON line each in a file under the run's
 * work folder, with only their offsets in memory (8 bytes a record), then read back by index in
 * whatever order the shuffle asks for. Memory stays flat however large the sources are.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class SpillFile {
  private readonly fd: number;
  private offsets = new Float64Array(1024);
  private count = 0;
  private end = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(dir: string, name: string) {
    this.fd = openSync(join(dir, `${name}.spill.jsonl`), 'w+');
  }

  get size(): number {
    return this.count;
  }

  add(record: unknown): void {
    const b = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    if (this.count + 1 >= this.offsets.length) {
      const o = new Float64Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
    }
    this.offsets[this.count++] = this.end;
    this.end += b.length;
    this.offsets[this.count] = this.end;
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  private flush(): void {
    if (!this.pending.length) return;
    const b = Buffer.concat(this.pending);
    writeSync(this.fd, b, 0, b.length, this.end - b.length);
    this.pending = [];
    this.pendingBytes = 0;
  }

  get(i: number): unknown {
    this.flush();
    const start = this.offsets[i]!;
    const len = this.offsets[i + 1]! - start;
    const b = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) got += readSync(this.fd, b, got, len - got, start + got);
    return JSON.parse(b.toString('utf8', 0, len - 1));
  }

  close(): void {
    closeSync(this.fd);
  }
}
