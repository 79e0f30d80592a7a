/**
 * Atomic output: everything is written under a temporary name beside the target and renamed
 * into place only when complete, so a crash never leaves a half-written file under the real name.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';

export function tempName(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempName(path);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** A streaming writer with backpressure that commits by rename. */
export class AtomicWriter {
  private stream: WriteStream | undefined;
  private readonly tmp: string;
  bytes = 0;

  constructor(readonly path: string) {
    this.tmp = tempName(path);
  }

  async open(): Promise<this> {
    await mkdir(dirname(this.path), { recursive: true });
    this.stream = createWriteStream(this.tmp);
    await once(this.stream, 'open');
    return this;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    const s = this.stream;
    if (!s) throw new Error(`AtomicWriter(${this.path}) written before open()`);
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (!s.write(chunk)) await once(s, 'drain');
  }

  async commit(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    this.stream = undefined;
    s.end();
    await once(s, 'finish');
    await rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.destroy();
      await once(s, 'close').catch(() => undefined);
    }
    await rm(this.tmp, { force: true });
  }
}

/** Writes text lines atomically; buffered so that a line costs no syscall. */
export class LineWriter {
  private readonly w: AtomicWriter;
  private buf: string[] = [];
  private bufLen = 0;
  count = 0;

  constructor(path: string) {
    this.w = new AtomicWriter(path);
  }
  get path(): string {
    return this.w.path;
  }
  async open(): Promise<this> {
    await this.w.open();
    return this;
  }
  /** One line, without its newline. */
  async write(line: string): Promise<void> {
    this.buf.push(line, '\n');
    this.bufLen += line.length + 1;
    this.count++;
    if (this.bufLen > 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const s = this.buf.join('');
    this.buf = [];
    this.bufLen = 0;
    await this.w.write(s);
  }
  async commit(): Promise<void> {
    await this.flush();
    await this.w.commit();
  }
  async abort(): Promise<void> {
    this.buf = [];
    await this.w.abort();
  }
}

/** Writes one JSON value per line, atomically. */
export class JsonlWriter {
  private readonly lines: LineWriter;
  constructor(path: string) {
    this.lines = new LineWriter(path);
  }
  get path(): string {
    return this.lines.path;
  }
  get count(): number {
    return this.lines.count;
  }
  async open(): Promise<this> {
    await this.lines.open();
    return this;
  }
  write(obj: unknown): Promise<void> {
    return this.lines.write(JSON.stringify(obj));
  }
  commit(): Promise<void> {
    return this.lines.commit();
  }
  abort(): Promise<void> {
    return this.lines.abort();
  }
}
