/**
 * The append-only journal beside the output (OUT.journal.jsonl): every paid result is recorded
 * here before it is built upon (seed lists, accepted turns, rejected attempts, finished and
 * abandoned dialogues), so a run killed at any moment resumes without losing or re-requesting
 * anything that completed. Writes are group-committed: all lines queued while one write+fdatasync
 * is running go out in the next one, so durability costs one sync per batch, not per line.
 */
import { ensureDir } from '../core/atomic.js';
import { createReadStream } from 'node:fs';
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../core/errors.js';
import type { DialogueRecord, Sector, Usage } from './types.js';

export type JournalEntry =
  /** First line: what run this journal belongs to. */
  | { t: 'hdr'; v: 1; fp: string; about: Record<string, unknown> }
  /** A seed list (subtopics, questions, instructions, a rewritten instruction). */
  | { t: 'seed'; k: string; items: string[]; u: Usage; rq: string }
  /** A reply rejected by a rule; the attempt number is implied by order. */
  | { t: 'att'; id: string; i: number; reason: string; u: Usage; rq: string }
  /** An accepted turn `i` (1 = first assistant reply; the opening is turn 0 and is not requested). */
  | { t: 'turn'; id: string; i: number; text: string; u: Usage; rq: string; rep?: string }
  | { t: 'done'; id: string; rec: DialogueRecord }
  | { t: 'abandon'; id: string; sector: Sector; idx: number; reason: string; u: Usage }
  /** A paid reply of the judge stages (src/judge/cache.ts), keyed by its request fingerprint; `m` is the model. */
  | { t: 'ask'; k: string; m: string; text: string; fin: string | null; u: Usage };

export interface Appended {
  offset: number;
  length: number;
}

export interface JournalOptions {
  /** fdatasync after each batch (default true). Off only for benchmarks on throwaway data. */
  sync?: boolean;
}

interface Pending {
  line: string;
  resolve: (a: Appended) => void;
  reject: (e: Error) => void;
}

export class Journal {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private broken: Error | undefined;

  /** The write error that broke the journal (every later append rejects with it), if any. */
  get error(): Error | undefined {
    return this.broken;
  }

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private size: number,
    private readonly sync: boolean,
  ) {}

  /** Opens for appending, first cutting a torn last line (a kill during a write) back to the last newline. */
  static async open(path: string, opts: JournalOptions = {}): Promise<Journal> {
    await ensureDir(dirname(path));
    const size = await repairTail(path);
    const fh = await open(path, 'a');
    return new Journal(path, fh, size, opts.sync ?? true);
  }

  get bytes(): number {
    return this.size;
  }

  /** Resolves once the line is on disk (written and, by default, synced). */
  append(entry: JournalEntry): Promise<Appended> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(entry) + '\n', resolve, reject });
      this.kick();
    });
  }

  /** Starts the flush loop unless it runs; a line queued as the loop ends starts it again. */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0 && !this.broken) this.kick();
    });
  }

  /** Waits for every queued line. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.fh.close();
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const buf = Buffer.from(batch.map((p) => p.line).join(''));
      try {
        let done = 0;
        while (done < buf.length) done += (await this.fh.write(buf, done, buf.length - done)).bytesWritten;
        if (this.sync) await this.fh.datasync();
      } catch (e) {
        this.broken = new InputError(this.path, `cannot write the journal: ${(e as Error).message}`, 'check free disk space and permissions, then rerun the same command to resume');
        for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.broken);
        return;
      }
      let off = this.size;
      for (const p of batch) {
        const length = Buffer.byteLength(p.line);
        p.resolve({ offset: off, length });
        off += length;
      }
      this.size = off;
    }
  }
}

/** Truncates a partial last line; returns the file size afterwards (0 when missing). */
async function repairTail(path: string): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return 0;
  }
  if (size === 0) return 0;
  const fh = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    // Walk back to the last newline; a torn line is at most one line long.
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await fh.read(chunk, 0, end - start, start);
      const nl = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = start + nl + 1;
        if (keep !== size) await truncate(path, keep);
        return keep;
      }
      end = start;
    }
    await truncate(path, 0);
    return 0;
  } finally {
    await fh.close();
  }
}

/** Streams a journal's entries with their byte offsets. A bad line before the end is corruption. */
export async function scanJournal(path: string, onEntry: (e: JournalEntry, at: Appended) => void): Promise<number> {
  let stream;
  try {
    await stat(path);
    stream = createReadStream(path, { highWaterMark: 1 << 20 });
  } catch {
    return 0;
  }
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  let line = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      line++;
      const text = buf.toString('utf8', start, nl);
      let entry: JournalEntry;
      try {
        entry = JSON.parse(text) as JournalEntry;
      } catch (e) {
        throw new InputError(`${path}:${line}`, `corrupt journal line: ${(e as Error).message}`, 'the journal is written only by sftforge; restore it or remove it to start over');
      }
      onEntry(entry, { offset, length: nl + 1 - start });
      offset += nl + 1 - start;
      start = nl + 1;
    }
    carry = buf.subarray(start);
  }
  return line;
}
