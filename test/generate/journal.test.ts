import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, scanJournal, type JournalEntry } from '../../src/generate/journal.js';
import { tmp } from './fake-openai.js';

const u = { prompt_tokens: 1, completion_tokens: 2, requests: 1 };

describe('journal', () => {
  it('group-commits concurrent appends and reports each line’s offset', async () => {
    const file = join(tmp(), 'j.jsonl');
    const j = await Journal.open(file);
    const ats = await Promise.all(Array.from({ length: 50 }, (_, i) => j.append({ t: 'seed', k: `k${i}`, items: ['x'.repeat(i)], u, rq: 'r' })));
    await j.close();
    const buf = readFileSync(file);
    ats.forEach((at, i) => {
      const e = JSON.parse(buf.toString('utf8', at.offset, at.offset + at.length)) as JournalEntry;
      expect(e).toMatchObject({ t: 'seed', k: `k${i}` });
    });
    expect(ats.reduce((n, a) => n + a.length, 0)).toBe(buf.length);
  });

  it('cuts a torn last line (a kill mid-write) and appends after the last whole line', async () => {
    const file = join(tmp(), 'j.jsonl');
    writeFileSync(file, JSON.stringify({ t: 'seed', k: 'a', items: [], u, rq: 'r' }) + '\n');
    appendFileSync(file, '{"t":"turn","id":"world-0-0000');
    const j = await Journal.open(file);
    await j.append({ t: 'seed', k: 'b', items: [], u, rq: 'r' });
    await j.close();
    const seen: string[] = [];
    await scanJournal(file, (e) => seen.push(e.t === 'seed' ? e.k : e.t));
    expect(seen).toEqual(['a', 'b']);
  });

  it('names the line of a corrupt entry in the middle', async () => {
    const file = join(tmp(), 'j.jsonl');
    writeFileSync(file, '{"t":"hdr","v":1,"fp":"x","about":{}}\nnot json\n{"t":"hdr","v":1,"fp":"x","about":{}}\n');
    await expect(scanJournal(file, () => undefined)).rejects.toThrow(/j\.jsonl:2: corrupt journal line/);
  });

  it('a missing journal is an empty one', async () => {
    expect(await scanJournal(join(tmp(), 'none.jsonl'), () => undefined)).toBe(0);
  });
});
