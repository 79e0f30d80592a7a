import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeStats, lexTokenize, mtld, renderHtmlReport, statsToJson, type StatsResult, type TextStats } from '../../src/stats/index.js';

const SHARED = resolve(import.meta.dirname, '../../../shared');
const FASTCHAT = join(SHARED, 'data/public/FastChat_dummy_conversation.json');
const DIALOGSTUDIO = join(SHARED, 'data/public/DialogStudio_ShareGPT_original_example.json');
const ULTRACHAT = join(SHARED, 'data/public/UltraChat_train_record0.jsonl');
const OPENAI = join(SHARED, 'data/public/openai-cookbook_toy_chat_fine_tuning.jsonl');

interface ShareGptRec {
  id: string;
  conversations: { from: string; value: string }[];
}
const fastchat = JSON.parse(readFileSync(FASTCHAT, 'utf8')) as ShareGptRec[];

function nearestRank(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil(p * s.length))) - 1]!;
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sftforge-stats-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('FastChat_dummy_conversation.json (500 conversations), checked independently', () => {
  let r: StatsResult;
  let t: TextStats;
  beforeAll(async () => {
    r = await computeStats([FASTCHAT]);
    t = r.text!;
  });

  test('dialogue and turn counts', () => {
    expect(fastchat).toHaveLength(500);
    const turns = fastchat.map((c) => c.conversations.filter((m) => m.from !== 'system').length);
    expect(r.population).toEqual({ dialogues: 500, measured: 500, rejected: {} });
    expect(t.dialogues).toBe(500);
    expect(t.turns_per_dialogue.count).toBe(500);
    expect(t.turns_per_dialogue.mean).toBeCloseTo(mean(turns), 12);
    expect(t.turns_per_dialogue.min).toBe(Math.min(...turns));
    expect(t.turns_per_dialogue.max).toBe(Math.max(...turns));
    expect(t.turns_per_dialogue.p50).toBe(nearestRank(turns, 0.5));
    expect(t.turns_per_dialogue.p90).toBe(nearestRank(turns, 0.9));
    const users = fastchat.flatMap((c) => c.conversations.filter((m) => m.from === 'human'));
    const gpts = fastchat.flatMap((c) => c.conversations.filter((m) => m.from === 'gpt'));
    expect(t.utterances).toEqual({ all: users.length + gpts.length, user: users.length, assistant: gpts.length });
    expect(t.turns_per_dialogue.hist!.counts.reduce((a, b) => a + b, 0)).toBe(500);
  });

  test('words and characters per utterance and per dialogue', () => {
    // The data is ASCII, so JS whitespace split and code-unit length equal Python's split() and len().
    const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
    const userWords = fastchat.flatMap((c) => c.conversations.filter((m) => m.from === 'human').map((m) => words(m.value)));
    const gptChars = fastchat.flatMap((c) => c.conversations.filter((m) => m.from === 'gpt').map((m) => m.value.length));
    expect(t.words_per_utterance.user.mean).toBeCloseTo(mean(userWords), 9);
    expect(t.words_per_utterance.user.p50).toBe(nearestRank(userWords, 0.5));
    expect(t.words_per_utterance.user.max).toBe(Math.max(...userWords));
    expect(t.chars_per_utterance.assistant.mean).toBeCloseTo(mean(gptChars), 9);
    expect(t.chars_per_utterance.assistant.p90).toBe(nearestRank(gptChars, 0.9));
    const dlgWords = fastchat.map((c) => c.conversations.filter((m) => m.from === 'gpt').reduce((a, m) => a + words(m.value), 0));
    expect(t.words_per_dialogue.assistant.mean).toBeCloseTo(mean(dlgWords), 9);
    expect(t.words_per_dialogue.assistant.max).toBe(Math.max(...dlgWords));
  });

  test('MTLD averaged per utterance, overall and by role', () => {
    const per = (from: string) =>
      fastchat
        .flatMap((c) => c.conversations.filter((m) => from === '*' || m.from === from).map((m) => m.value))
        .filter((s) => lexTokenize(s).length > 0)
        .map((s) => mtld(s));
    expect(t.mtld.all.mean).toBeCloseTo(mean(per('*')), 9);
    expect(t.mtld.user.mean).toBeCloseTo(mean(per('human')), 9);
    expect(t.mtld.assistant.mean).toBeCloseTo(mean(per('gpt')), 9);
    expect(t.mtld.all.count).toBe(per('*').length);
  });

  test('distinct-1 and distinct-2 equal exact string sets over the same tokens', () => {
    const uni = new Set<string>();
    const bi = new Set<string>();
    let nUni = 0;
    let nBi = 0;
    for (const c of fastchat) {
      for (const m of c.conversations) {
        const toks = lexTokenize(m.value);
        toks.forEach((x, i) => {
          uni.add(x);
          nUni++;
          if (i > 0) {
            bi.add(`${toks[i - 1]}\u0000${x}`);
            nBi++;
          }
        });
      }
    }
    expect(t.distinct_1).toEqual({ unique: uni.size, total: nUni, ratio: uni.size / nUni, exact: true });
    expect(t.distinct_2).toEqual({ unique: bi.size, total: nBi, ratio: bi.size / nBi, exact: true });
  });

  test('gzip ratio equals gzip -6 of the utterances in order (the text fits one block)', () => {
    const text = fastchat.map((c) => c.conversations.map((m) => m.value + '\n').join('')).join('');
    const raw = Buffer.from(text, 'utf8');
    expect(t.gzip.raw_bytes).toBe(raw.length);
    expect(t.gzip.gzip_bytes).toBe(gzipSync(raw, { level: 6 }).length);
  });

  test('one input file: no per-source groups; paper rows carried', () => {
    expect(r.groups).toEqual({});
    expect(r.reference.find((x) => x.dataset === 'UltraChat')!.mtld).toBe(74.3);
    expect(r.reference).toHaveLength(8);
  });
});

test('UltraChat record 0: user-turn MTLD mean is the mean of LexicalRichness values for those turns', async () => {
  const vectors = JSON.parse(readFileSync(join(SHARED, 'vectors/mtld_lexicalrichness_vectors.json'), 'utf8')) as { text: string; mtld: number }[];
  const rec = JSON.parse(readFileSync(ULTRACHAT, 'utf8').split('\n')[0]!) as { data: string[] };
  const userTurns = rec.data.filter((_, i) => i % 2 === 0);
  const ref = userTurns.map((u) => vectors.find((v) => v.text === u)!.mtld);
  expect(ref).toHaveLength(3);
  const r = await computeStats([ULTRACHAT]);
  expect(r.text!.utterances).toEqual({ all: 6, user: 3, assistant: 3 });
  expect(Math.abs(r.text!.mtld.user.mean - mean(ref))).toBeLessThanOrEqual(1e-9);
});

test('a JSONL of the vector texts: the per-utterance average is LexicalRichness’s, empty ones counted apart', async () => {
  const cases = [
    ...(JSON.parse(readFileSync(join(SHARED, 'vectors/mtld_lexicalrichness_vectors.json'), 'utf8')) as { text: string; mtld: number | null }[]),
    ...(JSON.parse(readFileSync(join(SHARED, 'vectors/mtld_lexicalrichness_long_vectors.json'), 'utf8')) as { text: string; mtld: number | null }[]),
  ];
  const file = join(tmp, 'vectors.jsonl');
  // One UltraChat record per case: [text, "ok"]; the assistant turns are all the same one word.
  await writeFile(file, cases.map((c, i) => JSON.stringify({ id: String(i), data: [c.text, 'ok'] })).join('\n') + '\n');
  const r = await computeStats([file]);
  const defined = cases.filter((c) => c.mtld !== null).map((c) => c.mtld!);
  expect(Math.abs(r.text!.mtld.user.mean - mean(defined))).toBeLessThanOrEqual(1e-9);
  expect(r.text!.mtld.user.empty).toBe(cases.length - defined.length);
  expect(r.text!.mtld.user.count).toBe(defined.length);
  expect(r.text!.mtld.assistant.mean).toBe(1);
});

describe('groups', () => {
  test('several files: one group per source file, counts from the files', async () => {
    const r = await computeStats([FASTCHAT, DIALOGSTUDIO, ULTRACHAT]);
    expect(r.groups.source!.map((g) => [g.key, g.stats.dialogues])).toEqual([
      [DIALOGSTUDIO, 5],
      [FASTCHAT, 500],
      [ULTRACHAT, 1],
    ]);
    expect(r.text!.dialogues).toBe(506);
    expect(r.groups.model).toBeUndefined(); // DialogStudio's models are all empty
  });

  test('sector/model groups equal the stats of each group measured alone, "(none)" included', async () => {
    // Records 0-1 have no sector (so "(none)" must copy the dataset's past when "a" first appears).
    const recs = fastchat.slice(0, 60).map((c, i) => ({
      id: c.id,
      data: c.conversations.map((m) => m.value),
      model: i % 3 === 0 ? 'gpt-4' : 'gpt-3.5-turbo',
      ...(i < 2 || i % 5 === 0 ? {} : { meta: { sector: i % 2 ? 'a' : 'b', persona: i % 4 ? 'teacher' : 'nurse' } }),
    }));
    const all = join(tmp, 'groups.jsonl');
    await writeFile(all, recs.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const r = await computeStats([all]);
    expect(Object.keys(r.groups)).toEqual(['model', 'sector', 'persona']);
    const sectors = r.groups.sector!;
    expect(sectors.map((g) => g.key)).toEqual(['a', 'b', '(none)']);
    for (const g of sectors) {
      const only = recs.filter((x) => ((x as { meta?: { sector: string } }).meta?.sector ?? '(none)') === g.key);
      const f = join(tmp, `only-${g.key}.jsonl`);
      await writeFile(f, only.map((x) => JSON.stringify(x)).join('\n') + '\n');
      const alone = (await computeStats([f])).text!;
      expect(g.stats).toEqual(stripHist(alone));
    }
    expect(r.groups.model!.map((g) => [g.key, g.stats.dialogues])).toEqual([
      ['gpt-3.5-turbo', 40],
      ['gpt-4', 20],
    ]);
  });

  test('more values than maxGroups fold into "(other)"', async () => {
    const recs = fastchat.slice(0, 10).map((c, i) => ({ id: c.id, data: c.conversations.map((m) => m.value), meta: { persona: `p${i}` } }));
    const f = join(tmp, 'personas.jsonl');
    await writeFile(f, recs.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const r = await computeStats([f], { maxGroups: 3 });
    expect(r.groups.persona!.map((g) => [g.key, g.stats.dialogues])).toEqual([
      ['p0', 1],
      ['p1', 1],
      ['p2', 1],
      ['(other)', 7],
    ]);
  });
});

function stripHist(t: TextStats): TextStats {
  return JSON.parse(JSON.stringify(t, (k, v) => (k === 'hist' ? undefined : v))) as TextStats;
}

describe('formats, rejects, determinism, sampling', () => {
  test('OpenAI messages: system turns counted apart; reader rejects counted by reason', async () => {
    const r = await computeStats([OPENAI]);
    const lines = readFileSync(OPENAI, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const msgs = lines.map((l) => (JSON.parse(l) as { messages: { role: string }[] }).messages);
    expect(r.text!.system_turns).toBe(msgs.flat().filter((m) => m.role === 'system').length);
    expect(r.text!.utterances.all).toBe(msgs.flat().filter((m) => m.role !== 'system').length);
    const bad = join(tmp, 'bad.jsonl');
    await writeFile(bad, `${lines[0]}\n{"messages": [ truncated\n${lines[1]}\n`);
    const rb = await computeStats([bad]);
    expect(rb.population).toEqual({ dialogues: 2, measured: 2, rejected: { malformed: 1 } });
  });

  test('same input and options: byte-identical JSON and HTML', async () => {
    const a = await computeStats([FASTCHAT, ULTRACHAT], { sample: 50, seed: 3 });
    const b = await computeStats([FASTCHAT, ULTRACHAT], { sample: 50, seed: 3 });
    expect(statsToJson(a)).toBe(statsToJson(b));
    expect(renderHtmlReport(a)).toBe(renderHtmlReport(b));
    const c = await computeStats([FASTCHAT]);
    const d = await computeStats([FASTCHAT]);
    expect(statsToJson(c)).toBe(statsToJson(d));
  });

  test('--sample N --seed S: N dialogues measured out of all read, reproducible, seed-dependent', async () => {
    const a = await computeStats([FASTCHAT], { sample: 100, seed: 7 });
    expect(a.population).toEqual({ dialogues: 500, measured: 100, rejected: {} });
    expect(a.options).toMatchObject({ sample: 100, seed: 7 });
    expect(a.text!.dialogues).toBe(100);
    expect(a.text!.turns_per_dialogue.count).toBe(100);
    const b = await computeStats([FASTCHAT], { sample: 100, seed: 8 });
    expect(statsToJson(b)).not.toBe(statsToJson(a));
    // A sample at least as large as the input measures everything, exactly as without sampling.
    const all = await computeStats([FASTCHAT], { sample: 10_000, seed: 1 });
    const full = await computeStats([FASTCHAT]);
    expect(all.text).toEqual(full.text);
  });

  test('bad options say what was wrong', async () => {
    await expect(computeStats([FASTCHAT], { sample: 0 })).rejects.toThrow(/--sample must be a positive integer/);
    await expect(computeStats([FASTCHAT], { mtldThreshold: 1.5 })).rejects.toThrow(/MTLD threshold must be in \(0, 1\)/);
    await expect(computeStats([])).rejects.toThrow(/at least one input/);
    await expect(computeStats([join(tmp, 'missing.jsonl')])).rejects.toThrow(/no such file/);
  });
});
