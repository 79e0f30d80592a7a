import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileHandle } from 'node:fs/promises';
import { Report } from '../../src/core/report.js';
import type { ChatClient } from '../../src/generate/client.js';
import { loadGenerateConfig } from '../../src/generate/config.js';
import { emptyProgress, runDialogue } from '../../src/generate/dialogue.js';
import { Journal, scanJournal, type JournalEntry } from '../../src/generate/journal.js';
import { compileRules } from '../../src/generate/validate.js';
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

  it('a failed write breaks it (error is set) and a dialogue stops before its next paid request', async () => {
    const j = await Journal.open(join(tmp(), 'j.jsonl'));
    await (j as unknown as { fh: FileHandle }).fh.close(); // every write from now on fails
    let requests = 0;
    const client = {
      endpoint: () => ({ model: 'm' }),
      complete: async () => {
        requests++;
        await new Promise((r) => setTimeout(r, 20));
        const content = 'A plain, helpful and complete answer about the topic, with enough words to pass every rule. '.repeat(3);
        return { content, finishReason: 'stop', usage: { prompt_tokens: 1, completion_tokens: 1, requests: 1 }, model: 'm', rq: `r${requests}` };
      },
    } as unknown as ChatClient;
    const cfg = loadGenerateConfig();
    const ctx = { cfg, client, journal: j, rules: compileRules(cfg.rejection), report: new Report('t'), runSeed: 1 };
    const job = { id: 'world-1-0', sector: 'world' as const, index: 0, opening: { sector: 'world' as const, text: 'How do tides work?', meta: {} } };
    await expect(runDialogue(ctx, job, emptyProgress())).rejects.toThrow(/cannot write the journal/);
    expect(j.error?.message).toMatch(/cannot write the journal/);
    // The first result's line fails while the second request is out; no third is sent.
    expect(requests).toBeLessThanOrEqual(2);
    expect(cfg.sectors.world.rounds.min * 2).toBeGreaterThan(2);
  });
});
