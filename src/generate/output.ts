/**
 * The final output: written when every dialogue is done, from the journal, in id order
 * (sector, then index), atomically. Same seed and a deterministic server give the same bytes,
 * however the run was interrupted. Both forms are read by `sftforge clean` and `tokenize`:
 * UltraChat {"id","data":[u1,a1,...],"meta"} and ShareGPT {"id","conversations":[...],"meta"}.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { JsonlWriter } from '../io/atomic.js';
import type { Appended, JournalEntry } from './journal.js';
import { SECTORS, type DialogueRecord, type OutputFormat, type Sector } from './types.js';

export function formatRecord(rec: DialogueRecord, format: OutputFormat): Record<string, unknown> {
  if (format === 'sharegpt') {
    return { id: rec.id, conversations: rec.data.map((value, i) => ({ from: i % 2 === 0 ? 'human' : 'gpt', value })), meta: rec.meta };
  }
  return { id: rec.id, data: rec.data, meta: rec.meta };
}

/** Id of dialogue `index` of `sector` under `seed`: sorts by sector, then index. */
export function dialogueId(seed: number, sector: Sector, index: number): string {
  return `${sector}-${seed}-${String(index).padStart(9, '0')}`;
}

/** Where each finished dialogue's `done` line is in the journal: 12 bytes per dialogue, no text. */
export class DoneIndex {
  private readonly per = new Map<Sector, { off: Float64Array; len: Uint32Array; n: number }>();

  private slot(sector: Sector, index: number) {
    let s = this.per.get(sector);
    if (!s) this.per.set(sector, (s = { off: new Float64Array(1024), len: new Uint32Array(1024), n: 0 }));
    if (index >= s.len.length) {
      let cap = s.len.length;
      while (cap <= index) cap *= 2;
      const off = new Float64Array(cap);
      const len = new Uint32Array(cap);
      off.set(s.off);
      len.set(s.len);
      s.off = off;
      s.len = len;
    }
    return s;
  }

  set(sector: Sector, index: number, at: Appended): void {
    const s = this.slot(sector, index);
    if (s.len[index] === 0) s.n++;
    s.off[index] = at.offset;
    s.len[index] = at.length;
  }

  has(sector: Sector, index: number): boolean {
    const s = this.per.get(sector);
    return !!s && index < s.len.length && s.len[index]! > 0;
  }

  count(sector: Sector): number {
    return this.per.get(sector)?.n ?? 0;
  }

  /** The first `limit` finished dialogues of a sector, by index. */
  *locations(sector: Sector, limit: number): Generator<Appended & { index: number }> {
    const s = this.per.get(sector);
    if (!s) return;
    let k = 0;
    for (let i = 0; i < s.len.length && k < limit; i++) {
      if (s.len[i]! > 0) {
        k++;
        yield { index: i, offset: s.off[i]!, length: s.len[i]! };
      }
    }
  }
}

/** Writes OUT from the journal: for each sector in id order, its first `counts[sector]` dialogues. */
export async function writeOutput(journalPath: string, out: string, format: OutputFormat, done: DoneIndex, counts: Partial<Record<Sector, number>>): Promise<number> {
  const fh = await open(journalPath, 'r');
  const w = await new JsonlWriter(out).open();
  let buf = Buffer.alloc(1 << 16);
  try {
    for (const sector of SECTORS) {
      const n = counts[sector];
      if (n === undefined) continue;
      for (const at of done.locations(sector, n)) {
        if (buf.length < at.length) buf = Buffer.alloc(at.length * 2);
        await fh.read(buf, 0, at.length, at.offset);
        const e = JSON.parse(buf.toString('utf8', 0, at.length)) as JournalEntry;
        if (e.t !== 'done' || e.rec.sector !== sector || e.rec.index !== at.index) {
          throw new InputError(journalPath, `expected the done line of ${sector} #${at.index} at byte ${at.offset}`, 'the journal changed while running; rerun the same command');
        }
        await w.write(formatRecord(e.rec, format));
      }
    }
    await w.commit();
    return w.count;
  } catch (e) {
    await w.abort();
    throw e;
  } finally {
    await fh.close();
  }
}
