/**
 * Atomic output: everything is written under a temporary name beside the target and renamed
 * into place only when complete, so a crash never leaves a half-written file under the real name.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { finished as streamFinished } from 'node:stream/promises';
import { describeFsError } from './errors.js';

export function tempName(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/** The file system's error as one line naming the path and what to do, when it is one (ENOSPC, EROFS, ...). */
function envError(e: unknown, path: string): unknown {
  return describeFsError(e, path) ?? e;
}

/**
 * mkdir -p that reports the real cause: a recursive mkdir says ENOENT on a read-only or
 * forbidden parent, so the first missing folder is created alone to get EROFS / EACCES.
 */
export async function ensureDir(dir: string): Promise<void> {
  // Not mkdir({recursive: true}): on Node 20 it loops forever where a parent refuses with ENOENT
  // (/proc). Create the missing levels one by one instead; the first failure is the real cause.
  const missing: string[] = [];
  let d = dir;
  while (!(await exists(d))) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    await mkdir(m).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempName(path);
  try {
    await ensureDir(dirname(path));
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    // A full disk must not keep the half-written temporary file (it would fill the disk further).
    await rm(tmp, { force: true }).catch(() => undefined);
    throw envError(e, path);
  }
}

/**
 * Removes `PATH.tmp-<pid>` siblings left by runs that were killed (their pid is not alive), so
 * a disk is not filled by them run after run. One directory listing per folder, however many
 * paths it holds (a crowded folder such as /tmp takes ~50 ms to list). A live pid may be another
 * run writing the same path: left alone. Returns the names removed. Never throws.
 */
export async function removeStaleTemps(paths: string | readonly string[]): Promise<string[]> {
  const byDir = new Map<string, Set<string>>();
  for (const p of typeof paths === 'string' ? [paths] : paths) {
    const dir = dirname(p);
    const prefixes = byDir.get(dir) ?? new Set<string>();
    prefixes.add(`${basename(p)}.tmp-`);
    byDir.set(dir, prefixes);
  }
  const removed: string[] = [];
  for (const [dir, prefixes] of byDir) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const dash = name.lastIndexOf('.tmp-');
      if (dash < 0 || !prefixes.has(name.slice(0, dash + 5))) continue;
      const pid = name.slice(dash + 5);
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid || pidAlive(Number(pid))) continue;
      try {
        await rm(join(dir, name), { force: true, recursive: true });
        removed.push(name);
      } catch {
        // another process may be removing it too
      }
    }
  }
  return removed;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A streaming writer with backpressure that commits by rename. A write that fails (disk full,
 * read-only) removes the temporary file and throws one line naming the path (describeFsError).
 */
export class AtomicWriter {
  private stream: WriteStream | undefined;
  private readonly tmp: string;
  private finished = false;
  /** The stream's first error: kept so that an error between our awaits never goes unhandled. */
  private failed: unknown;
  bytes = 0;

  constructor(readonly path: string) {
    this.tmp = tempName(path);
  }

  async open(): Promise<this> {
    try {
      await ensureDir(dirname(this.path));
      const s = createWriteStream(this.tmp);
      s.on('error', (e) => (this.failed ??= e));
      this.stream = s;
      await once(s, 'open');
    } catch (e) {
      throw await this.fail(e);
    }
    return this;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    const s = this.stream;
    if (!s) throw new Error(`AtomicWriter(${this.path}) written before open()`);
    if (this.failed !== undefined) throw await this.fail(this.failed);
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    try {
      if (!s.write(chunk)) await once(s, 'drain');
    } catch (e) {
      throw await this.fail(e);
    }
  }

  async commit(): Promise<void> {
    await this.finish();
    await this.publish();
  }

  /** First half of a commit: everything written and closed under the temporary name. */
  async finish(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    try {
      if (this.failed !== undefined) throw this.failed;
      s.end();
      // finished() also settles for a stream that failed before this call ('finish' would never come).
      await streamFinished(s);
    } catch (e) {
      throw await this.fail(e);
    }
    this.stream = undefined;
    this.finished = true;
  }

  /** Second half: the rename into place (cheap; done for every output of a run together). */
  async publish(): Promise<void> {
    if (!this.finished) return;
    this.finished = false;
    try {
      await rename(this.tmp, this.path);
    } catch (e) {
      throw await this.fail(e);
    }
  }

  async abort(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    this.finished = false;
    if (s && !s.closed) {
      s.destroy();
      await once(s, 'close').catch(() => undefined);
    }
    await rm(this.tmp, { force: true }).catch(() => undefined);
  }

  /** Removes the temporary file and gives the error to throw. */
  private async fail(e: unknown): Promise<unknown> {
    await this.abort();
    return envError(e, this.path);
  }
}

const NEWLINE = Buffer.from('\n');

/** Writes text lines atomically; buffered so that a line costs no syscall. */
export class LineWriter {
  private readonly w: AtomicWriter;
  private buf: string[] = [];
  /** Lines given as bytes, and the strings before them already encoded, in order (before `buf`). */
  private chunks: Uint8Array[] = [];
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
  /** One line already encoded as UTF-8 (by a worker thread), without its newline. */
  async writeBytes(line: Uint8Array): Promise<void> {
    if (this.buf.length) this.encodePending();
    this.chunks.push(line, NEWLINE);
    this.bufLen += line.byteLength + 1;
    this.count++;
    if (this.bufLen > 1 << 20) await this.flush();
  }
  private encodePending(): void {
    this.chunks.push(Buffer.from(this.buf.join('')));
    this.buf = [];
  }
  private async flush(): Promise<void> {
    if (this.buf.length === 0 && this.chunks.length === 0) return;
    let out: string | Uint8Array;
    if (this.chunks.length === 0) out = this.buf.join('');
    else {
      if (this.buf.length) this.encodePending();
      out = Buffer.concat(this.chunks);
    }
    this.buf = [];
    this.chunks = [];
    this.bufLen = 0;
    await this.w.write(out);
  }
  async commit(): Promise<void> {
    await this.flush();
    await this.w.commit();
  }
  async finish(): Promise<void> {
    await this.flush();
    await this.w.finish();
  }
  publish(): Promise<void> {
    return this.w.publish();
  }
  async abort(): Promise<void> {
    this.buf = [];
    this.chunks = [];
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
  /** A line already serialised (the quarantine's never-throwing JSON; or UTF-8 bytes), without its newline. */
  writeLine(line: string | Uint8Array): Promise<void> {
    return typeof line === 'string' ? this.lines.write(line) : this.lines.writeBytes(line);
  }
  commit(): Promise<void> {
    return this.lines.commit();
  }
  finish(): Promise<void> {
    return this.lines.finish();
  }
  publish(): Promise<void> {
    return this.lines.publish();
  }
  abort(): Promise<void> {
    return this.lines.abort();
  }
}
