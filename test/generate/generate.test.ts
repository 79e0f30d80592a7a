import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { normalizeValue } from '../../src/io/normalize.js';
import { digest } from '../../src/generate/rng.js';
import { runGenerate, type GenerateOptions } from '../../src/generate/run.js';
import type { JournalEntry } from '../../src/generate/journal.js';
import { smallConfig, startFakeServer, tmp, type FakeFaultRule, type FakeServer } from './fake-openai.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cfg = smallConfig();

async function gen(o: Partial<GenerateOptions> & { out: string }, faults: FakeFaultRule[] = []) {
  server ??= await startFakeServer({ faults });
  return runGenerate({
    sectors: ['world', 'creation'],
    count: 12,
    format: 'ultrachat',
    seed: 1,
    concurrency: 4,
    config: cfg,
    baseUrl: server.url,
    userModel: 'sim-user',
    assistantModel: 'sim-assistant',
    progress: 'none',
    ...o,
  });
}

type Rec = { id: string; data?: string[]; conversations?: { from: string; value: string }[]; meta: Record<string, unknown> };
const read = (file: string): Rec[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);
const journal = (file: string): JournalEntry[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);

describe('generate', () => {
  it('writes UltraChat records in id order with metadata, readable by the readers of clean/tokenize', async () => {
    const dir = tmp();
    const r = await gen({ out: join(dir, 'out.jsonl') });
    expect(r.status).toBe('complete');
    const recs = read(r.paths.out);
    expect(recs).toHaveLength(12);
    expect(recs.map((x) => x.id)).toEqual([...recs.map((x) => x.id)].sort());
    expect(new Set(recs.map((x) => x.id)).size).toBe(12);
    expect(recs.filter((x) => x.meta.sector === 'world')).toHaveLength(7); // 0.4 : 0.3 of 12
    for (const x of recs) {
      const sector = x.meta.sector as 'world' | 'creation';
      const { min, max } = cfg.sectors[sector].rounds;
      expect(x.data!.length % 2).toBe(0);
      expect(x.data!.length / 2).toBe(x.meta.rounds);
      expect(x.meta.rounds).toBeGreaterThanOrEqual(min);
      expect(x.meta.rounds).toBeLessThanOrEqual(max);
      expect(x.meta.models).toEqual({ user: 'sim-user', assistant: 'sim-assistant' });
      expect(cfg.personas.map((p) => p.name)).toContain(x.meta.persona);
      const usage = x.meta.usage as { prompt_tokens: number; completion_tokens: number; requests: number };
      expect(usage.requests).toBe(x.data!.length - 1);
      const conv = normalizeValue(x, { file: 'out.jsonl', line: 1 }, 'auto');
      expect('turns' in conv && conv.turns.map((t) => t.role)).toEqual(x.data!.map((_, i) => (i % 2 === 0 ? 'user' : 'assistant')));
    }
    const world = recs.find((x) => x.meta.sector === 'world')!;
    expect(world.meta).toHaveProperty('topic');
    expect(world.meta).toHaveProperty('subtopic');
    // Total usage is the sum over dialogues plus the seed requests.
    const perDialogue = recs.reduce((n, x) => n + (x.meta.usage as { requests: number }).requests, 0);
    expect(r.usage.requests).toBe(perDialogue + (r.report.counters.get('seed_requests') ?? 0));
    // No secret anywhere, even when one is set.
    expect(readFileSync(r.paths.journal, 'utf8')).not.toContain('sk-');
  });

  it('is byte-identical for the same seed whatever the concurrency; ShareGPT form carries the same dialogues', async () => {
    const a = await gen({ out: join(tmp(), 'a.jsonl'), concurrency: 1 });
    const b = await gen({ out: join(tmp(), 'b.jsonl'), concurrency: 7 });
    expect(readFileSync(a.paths.out)).toEqual(readFileSync(b.paths.out));
    const s = await gen({ out: join(tmp(), 's.jsonl'), format: 'sharegpt' });
    const ua = read(a.paths.out);
    const sg = read(s.paths.out);
    expect(sg.map((x) => x.id)).toEqual(ua.map((x) => x.id));
    sg.forEach((x, i) => {
      expect(x.conversations!.map((t) => t.value)).toEqual(ua[i]!.data);
      expect(x.conversations!.map((t) => t.from)).toEqual(ua[i]!.data!.map((_, k) => (k % 2 === 0 ? 'human' : 'gpt')));
      expect(normalizeValue(x, { file: 's', line: i + 1 }, 'auto')).toHaveProperty('turns');
    });
    const other = await gen({ out: join(tmp(), 'c.jsonl'), seed: 2 });
    expect(read(other.paths.out)[0]!.id).not.toBe(ua[0]!.id);
  });

  it('sends the API key from the environment variable the config names, and never writes it', async () => {
    const seen: string[] = [];
    server = await startFakeServer({ faults: [{ fault: 'empty', when: () => false }] });
    const c = smallConfig((x) => (x.models.assistant.api_key_env = 'MY_ASSISTANT_KEY'));
    const dir = tmp();
    const r = await runGenerate({
      sectors: ['creation'],
      count: 2,
      format: 'ultrachat',
      seed: 1,
      concurrency: 2,
      config: c,
      baseUrl: server.url,
      userModel: 'u',
      assistantModel: 'a',
      progress: 'none',
      out: join(dir, 'o.jsonl'),
      env: { MY_ASSISTANT_KEY: 'sk-secret-123', OPENAI_API_KEY: 'sk-other-456' },
    });
    seen.push(readFileSync(r.paths.out, 'utf8'), readFileSync(r.paths.journal, 'utf8'), readFileSync(r.paths.openings, 'utf8'));
    for (const s of seen) expect(s).not.toMatch(/sk-secret|sk-other/);
  });
});

describe('rejected turns', () => {
  // Faults keyed on the request itself, so they hit the same turns whatever the timing.
  const h = (s: string) => parseInt(digest(s, 4), 16);
  // The opening of the dialogue a request belongs to: the first message of an assistant request,
  // the first line of the user model's transcript ("User: <opening>\n\nAssistant: ...").
  const opening = (r: { kind: string; messages: { content: string }[] }) => {
    const m = r.messages[0]!.content;
    return r.kind === 'user' ? m.slice('User: '.length, m.indexOf('\n\nAssistant: ')) : m;
  };

  it('are regenerated a bounded number of times, counted, and never reach the output', async () => {
    const faults: FakeFaultRule[] = [
      { fault: 'refusal', when: (r) => r.kind === 'assistant' && r.repeat === 0 && h(r.rq) % 3 === 0 },
      { fault: 'politeness', when: (r) => r.kind === 'user' && h(r.rq) % 4 === 0 },
      { fault: 'assistant_like', when: (r) => r.kind === 'user' && h(r.rq) % 4 === 1 },
      { fault: 'length', when: (r) => r.kind === 'assistant' && h(r.rq) % 7 === 1 },
      { fault: 'empty', when: (r) => r.kind === 'assistant' && h(r.rq) % 7 === 2 },
    ];
    // Spares for the dialogues abandoned on the way (with 1 spare the run would stop, saying so).
    const r = await gen({ out: join(tmp(), 'o.jsonl'), count: 20, config: smallConfig((c) => (c.openings_spare = 1)) }, faults);
    expect(r.status).toBe('complete');
    const c = r.report.counters;
    for (const k of ['rejected_assistant_refusal', 'rejected_politeness_only', 'rejected_user_answers_like_assistant', 'rejected_truncated_reply', 'rejected_empty_reply']) {
      expect(c.get(k), k).toBeGreaterThan(0);
    }
    const recs = read(r.paths.out);
    expect(recs).toHaveLength(20);
    const all = recs.flatMap((x) => x.data!);
    expect(all.some((t) => /I'm sorry, but I can't|Thank you so much|Sure, here are some ideas/.test(t))).toBe(false);
    expect(all.every((t) => t.trim() !== '')).toBe(true);
    // Each journaled turn took at most max_attempts requests.
    const atts = new Map<string, number>();
    for (const e of journal(r.paths.journal)) if (e.t === 'att') atts.set(`${e.id}/${e.i}`, (atts.get(`${e.id}/${e.i}`) ?? 0) + 1);
    expect(Math.max(...atts.values())).toBeLessThanOrEqual(cfg.regenerate.max_attempts);
  });

  it('abandon a dialogue whose first answer is always rejected (a spare opening takes its place) and cut one whose user turn always is', async () => {
    const faults: FakeFaultRule[] = [
      { fault: 'refusal', when: (r) => r.kind === 'assistant' && r.messages.length === 1 && h(opening(r)) % 4 === 0 },
      { fault: 'politeness', when: (r) => r.kind === 'user' && h(opening(r)) % 4 === 1 },
    ];
    const r = await gen({ out: join(tmp(), 'o.jsonl'), count: 16, sectors: ['world'] }, faults);
    const recs = read(r.paths.out);
    expect(recs).toHaveLength(16);
    const abandoned = r.report.counters.get('dialogues_abandoned') ?? 0;
    expect(abandoned).toBeGreaterThan(0);
    // Ids skip the abandoned indices: the last index is 16 + abandoned - 1.
    expect(Number(recs[15]!.id.split('-').pop())).toBe(16 + abandoned - 1);
    const cut = recs.filter((x) => x.meta.truncated === 'politeness_only');
    expect(cut.length).toBeGreaterThan(0);
    for (const x of cut) expect(x.data).toHaveLength(2);
    const ents = journal(r.paths.journal).filter((e) => e.t === 'abandon');
    expect(ents).toHaveLength(abandoned);
    expect(ents.every((e) => e.t === 'abandon' && e.reason === 'assistant_refusal')).toBe(true);
  });
});

describe('spare openings', () => {
  it('running out is an error that says what to raise; raising it resumes the same run', async () => {
    const h = (s: string) => parseInt(digest(s, 4), 16);
    const faults: FakeFaultRule[] = [{ fault: 'refusal', when: (r) => r.kind === 'assistant' && r.messages.length === 1 && h(r.messages[0]!.content) % 3 === 0 }];
    const out = join(tmp(), 'o.jsonl');
    const tight = smallConfig((c) => (c.openings_spare = 0));
    await expect(gen({ out, count: 10, sectors: ['world'], config: tight }, faults)).rejects.toThrow(/openings of sector world ran out at dialogue #10 .*\n {2}hint: raise openings_spare/s);
    const roomy = smallConfig((c) => (c.openings_spare = 1));
    const r = await gen({ out, count: 10, sectors: ['world'], config: roomy });
    expect(r.status).toBe('complete');
    expect(read(out)).toHaveLength(10);
  });
});

describe('budget and resume', () => {
  it('stops cleanly at --max-requests; the same command with a higher budget finishes without re-sending anything', async () => {
    const ref = await gen({ out: join(tmp(), 'ref.jsonl') });
    const before = server!.log.length;
    const out = join(tmp(), 'o.jsonl');
    const r1 = await gen({ out, maxRequests: 90 });
    expect(r1.status).toBe('budget');
    expect(r1.detail).toMatch(/requests of --max-requests 90/);
    expect(existsSync(out)).toBe(false);
    expect(r1.usage.requests).toBeGreaterThanOrEqual(90);
    expect(r1.usage.requests).toBeLessThan(90 + 4); // at most one per dialogue in flight
    const paid = new Set(journal(r1.paths.journal).flatMap((e) => ('rq' in e ? [e.rq] : [])));
    const mid = server!.log.length;
    const again = await gen({ out, maxRequests: 90 });
    expect(again.status).toBe('budget');
    expect(server!.log.length).toBe(mid); // the budget is for the whole job: nothing more is sent
    const r2 = await gen({ out, maxRequests: 10_000 });
    expect(r2.status).toBe('complete');
    const resent = server!.log.slice(mid).filter((l) => paid.has(l.rq));
    expect(resent).toEqual([]);
    expect(readFileSync(out)).toEqual(readFileSync(ref.paths.out));
    // Together the two runs sent exactly what the uninterrupted one did.
    expect(server!.log.length - mid + (mid - before)).toBe(before);
  });

  it('stops on the first Ctrl-C after the requests in flight, and resumes to the same output', async () => {
    const ref = await gen({ out: join(tmp(), 'ref.jsonl') });
    const out = join(tmp(), 'o.jsonl');
    const ac = new AbortController();
    let done = 0;
    server!.log.length = 0;
    const p = gen({ out, signal: ac.signal });
    const timer = setInterval(() => {
      const j = existsSync(out.replace('.jsonl', '.journal.jsonl')) ? readFileSync(out.replace('.jsonl', '.journal.jsonl'), 'utf8') : '';
      done = (j.match(/"t":"done"/g) ?? []).length;
      if (done >= 3) ac.abort();
    }, 2);
    const r1 = await p;
    clearInterval(timer);
    expect(r1.status).toBe('interrupted');
    expect(existsSync(out)).toBe(false);
    const text = readFileSync(r1.paths.journal, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const j = journal(r1.paths.journal);
    const doneN = j.filter((e) => e.t === 'done').length;
    expect(doneN).toBeGreaterThanOrEqual(3);
    expect(doneN).toBeLessThan(12);
    // Every request the server answered before the stop was journaled (nothing paid was dropped).
    const journaled = new Set(j.flatMap((e) => ('rq' in e ? [e.rq] : [])));
    expect(server!.log.filter((l) => !journaled.has(l.rq))).toEqual([]);
    const r2 = await gen({ out });
    expect(r2.status).toBe('complete');
    expect(readFileSync(out)).toEqual(readFileSync(ref.paths.out));
  });

  it('a second Ctrl-C aborts requests in flight (here: hanging ones) instead of waiting for their timeout', async () => {
    const out = join(tmp(), 'o.jsonl');
    const soft = new AbortController();
    const hard = new AbortController();
    const p = gen({ out, signal: soft.signal, hardSignal: hard.signal, timeoutS: 60 }, [{ fault: 'hang', when: (r) => r.kind === 'assistant' }]);
    // Wait until the openings are built and the first answers hang.
    while (!server?.log.some((l) => l.fault === 'hang')) await new Promise((r) => setTimeout(r, 5));
    soft.abort();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    hard.abort();
    const r = await p;
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.status).toBe('interrupted');
    expect(readFileSync(r.paths.journal, 'utf8').endsWith('\n')).toBe(true);
    expect(journal(r.paths.journal).filter((e) => e.t === 'seed').length).toBeGreaterThan(0);
  });

  it('extends a finished run when --count grows, keeping the earlier dialogues', async () => {
    const out = join(tmp(), 'o.jsonl');
    await gen({ out, count: 8 });
    const first = read(out);
    await gen({ out, count: 14 });
    const second = read(out);
    expect(second).toHaveLength(14);
    for (const x of first) expect(second.find((y) => y.id === x.id)).toEqual(x);
  });

  it('refuses to resume a journal written with another seed or config', async () => {
    const out = join(tmp(), 'o.jsonl');
    await gen({ out, count: 2 });
    await expect(gen({ out, count: 2, seed: 99 })).rejects.toThrow(UsageError);
    await expect(gen({ out, count: 2, config: smallConfig((c) => (c.sectors.world.rounds = { min: 1, max: 1 })) })).rejects.toThrow(/belongs to another run/);
  });

  it('re-seeds from a saved openings file', async () => {
    const a = await gen({ out: join(tmp(), 'a.jsonl') });
    const before = server!.log.length;
    const b = await gen({ out: join(tmp(), 'b.jsonl'), openings: a.paths.openings });
    expect(server!.log.slice(before).some((l) => l.kind === 'list' || l.kind === 'rewrite')).toBe(false);
    expect(read(b.paths.out).map((x) => x.data![0])).toEqual(read(a.paths.out).map((x) => x.data![0]));
    const bad = join(tmp(), 'bad.jsonl');
    writeFileSync(bad, '{"sector":"world","text":"ok?"}\n{"sector":"space","text":"x"}\n');
    await expect(gen({ out: join(tmp(), 'c.jsonl'), openings: bad, sectors: ['world'], count: 2 })).rejects.toThrow(/bad\.jsonl:2: needs "sector"/);
  });
});
