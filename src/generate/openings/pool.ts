/**
 * A sector's pool of openings as it is built: deduplicated, numbered in order, streamed to the
 * openings file, and capped at its target. Builders walk their seed trees in a fixed order and
 * stop when the pool is full, so the pool for a larger target always starts with the pool for a
 * smaller one: raising --count (or openings_spare) on a resumed run never changes an opening
 * that an earlier dialogue used.
 */
import type { Report } from '../../core/report.js';
import type { Opening, Sector } from '../types.js';
import { OpeningDeduper, type DedupVerdict, type OpeningDedupOptions } from './dedup.js';

export interface OpeningSink {
  write(line: string): Promise<void>;
}

export class Pool {
  count = 0;
  private readonly dedup: OpeningDeduper;

  constructor(
    readonly sector: Sector,
    readonly target: number,
    private readonly sink: OpeningSink,
    private readonly report: Report,
    dedup: OpeningDedupOptions,
  ) {
    this.dedup = new OpeningDeduper(dedup);
  }

  get full(): boolean {
    return this.count >= this.target;
  }

  /** How many more openings are wanted. */
  get need(): number {
    return Math.max(0, this.target - this.count);
  }

  /** Dedup verdict for a candidate; a kept one is remembered (call `add` with it, or it is lost). */
  admit(text: string): DedupVerdict {
    const v = this.dedup.check(text);
    if (v !== 'kept') this.report.count(`opening_${v}`);
    return v;
  }

  /** Appends an opening (already admitted) and returns its index; ignored once full. */
  async add(o: Opening): Promise<number | undefined> {
    if (this.full) return undefined;
    const i = this.count++;
    await this.sink.write(JSON.stringify({ sector: o.sector, i, text: o.text, meta: o.meta }) + '\n');
    this.report.count(`openings_${this.sector}`);
    return i;
  }

  /** admit + add in one step for openings that need nothing else. */
  async offer(o: Opening): Promise<boolean> {
    if (this.full || this.admit(o.text) !== 'kept') return false;
    await this.add(o);
    return true;
  }
}

/**
 * Pulls from `source` in chunks sized to what the pool still needs (a quarter extra for
 * duplicates), and hands each chunk to `run`, until the pool is full or the source is dry.
 * Chunking changes only how many requests run at once, never which openings come out or in
 * what order.
 */
export async function expand<T>(source: Iterator<T> | AsyncIterator<T>, pool: Pool, perItem: number, run: (chunk: T[]) => Promise<void>): Promise<void> {
  while (!pool.full) {
    const n = Math.max(1, Math.ceil((pool.need / Math.max(1, perItem)) * 1.25));
    const chunk: T[] = [];
    while (chunk.length < n) {
      const r = await source.next();
      if (r.done) break;
      chunk.push(r.value);
    }
    if (chunk.length === 0) return;
    await run(chunk);
  }
}
