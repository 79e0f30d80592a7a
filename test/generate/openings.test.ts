import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { applyTemplate } from '../../src/generate/openings/assistance.js';
import { OpeningDeduper } from '../../src/generate/openings/dedup.js';
import { rngFor } from '../../src/generate/rng.js';
import { runGenerate, type GenerateOptions } from '../../src/generate/run.js';
import type { GenerateConfig } from '../../src/generate/config.js';
import { smallConfig, startFakeServer, tmp, type FakeServer } from './fake-openai.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Line {
  sector: string;
  i: number;
  text: string;
  meta: Record<string, unknown>;
}
const readLines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

async function openings(
  o: Partial<GenerateOptions> & { config: GenerateConfig; count: number; sectors: GenerateOptions['sectors'] },
): Promise<{ lines: Line[]; requests: number; counters: Map<string, number> }> {
  server ??= await startFakeServer();
  const dir = tmp();
  const before = server.log.length;
  const r = await runGenerate({
    out: join(dir, 'out.jsonl'),
    format: 'ultrachat',
    seed: 7,
    concurrency: 4,
    baseUrl: server.url,
    userModel: 'u',
    assistantModel: 'a',
    openingsOnly: true,
    progress: 'none',
    ...o,
  });
  return { lines: readLines(r.paths.openings), requests: server.log.length - before, counters: r.report.counters };
}

describe('world openings', () => {
  it('fans out topics → subtopics → questions, round-robin over topics, with spares', async () => {
    const cfg = smallConfig();
    const { lines, requests } = await openings({ config: cfg, count: 100, sectors: ['world'] });
    expect(lines).toHaveLength(105); // 5% spare
    expect(lines.map((l) => l.i)).toEqual(lines.map((_, i) => i));
    expect(lines.every((l) => l.meta.level === 'question')).toBe(true);
    // The first 30 questions' requests went to 30 different topics (round-robin), 4 questions each.
    const topics = new Set(lines.slice(0, 4 * 27).map((l) => l.meta.topic));
    expect(topics.size).toBe(27);
    // 30 subtopic lists + ceil(105 / 4 * 1.25) = 33 question lists, nothing more.
    expect(requests).toBe(30 + 33);
  });

  it('adds follow-up questions when the questions run out, and entity questions', async () => {
    const cfg = smallConfig((c) => {
      c.sectors.world.meta_topics = ['Technology'];
      c.sectors.world.subtopics_per_topic = 1;
      c.sectors.world.questions_per_subtopic = 2;
    });
    const dir = tmp();
    const ents = join(dir, 'entities.txt');
    writeFileSync(ents, '# entities\nAda Lovelace\n\nMount Everest\nThe Rosetta Stone\n');
    const { lines } = await openings({ config: cfg, count: 30, sectors: ['world'], entities: ents });
    const levels = lines.map((l) => l.meta.level);
    expect(levels.slice(0, 2)).toEqual(['question', 'question']);
    expect(levels.slice(2, 17)).toEqual(Array(15).fill('entity'));
    expect(lines.slice(2, 17).map((l) => l.meta.entity)).toEqual([...Array(5).fill('Ada Lovelace'), ...Array(5).fill('Mount Everest'), ...Array(5).fill('The Rosetta Stone')]);
    expect(levels.slice(17)).toEqual(Array(lines.length - 17).fill('followup'));
    expect(lines[17]!.meta.parent).toBe(lines[0]!.text);
    expect(lines).toHaveLength(32);
  });

  it('a larger target extends the pool without changing its start', async () => {
    const cfg = smallConfig();
    const small = await openings({ config: cfg, count: 40, sectors: ['world'] });
    const large = await openings({ config: cfg, count: 500, sectors: ['world'] });
    expect(large.lines.length).toBe(525);
    expect(large.lines.slice(0, small.lines.length)).toEqual(small.lines);
    expect(large.lines.some((l) => l.meta.level === 'followup')).toBe(true);
  });

  it('fails clearly when the fan-outs cannot give enough distinct openings', async () => {
    const cfg = smallConfig((c) => {
      c.sectors.world.meta_topics = ['Technology'];
      c.sectors.world.subtopics_per_topic = 1;
    });
    server = await startFakeServer({ listItem: (_r, i) => `Is question number ${i % 2} a duplicate?` });
    await expect(openings({ config: cfg, count: 50, sectors: ['world'] })).rejects.toThrow(UsageError);
    await expect(openings({ config: cfg, count: 50, sectors: ['world'] })).rejects.toThrow(/only 2 distinct openings for sector world, 50 dialogues wanted/);
  });
});

describe('opening dedup', () => {
  it('drops exact (after normalization) and near duplicates, keeps distinct ones', () => {
    const d = new OpeningDeduper({ shingle: 2, threshold: 0.8 });
    expect(d.check('What are the main health benefits of drinking green tea every single morning?')).toBe('kept');
    expect(d.check('what are the main health benefits of drinking green tea every single morning')).toBe('duplicate');
    expect(d.check('What are the main health benefits of drinking green tea every single morning, really?')).toBe('near_duplicate');
    expect(d.check('How did the printing press change the spread of news in early modern Europe?')).toBe('kept');
  });
});

describe('creation openings', () => {
  it('rewrites the configured share to be more detailed, decided per position from the seed', async () => {
    const cfg = smallConfig((c) => (c.sectors.creation.instructions_per_type = 30));
    const { lines } = await openings({ config: cfg, count: 200, sectors: ['creation'] });
    expect(lines).toHaveLength(210);
    const detailed = lines.filter((l) => l.meta.detailed);
    for (const l of lines) expect(l.meta.detailed).toBe(rngFor(7, 'creation', 'detail', l.i).next() < 0.8);
    expect(detailed.length / lines.length).toBeGreaterThan(0.7);
    expect(detailed.length / lines.length).toBeLessThan(0.9);
    for (const l of detailed) {
      expect(l.text.startsWith(String(l.meta.original))).toBe(true);
      expect(l.text.length).toBeGreaterThan(String(l.meta.original).length);
    }
    // Round-robin over the 20 material types.
    expect(new Set(lines.slice(0, 60).map((l) => l.meta.material_type)).size).toBe(20);
  });
});

describe('assistance openings', () => {
  it('joins each document with its instructions by the 7 templates', () => {
    const t = smallConfig().sectors.assistance.templates;
    const doc = 'The river rose after the rain.';
    expect(t.map((x) => applyTemplate(x, doc, 'Summarize the text.'))).toEqual([
      'The river rose after the rain.\nSummarize the text.',
      'The river rose after the rain. Summarize the text.',
      'Summarize the text. Answer according to: The river rose after the rain.',
      'The river rose after the rain. Based on the passage above, summarize the text.',
      'Summarize the text: The river rose after the rain.',
      'Given the text: The river rose after the rain.\nSummarize the text.',
      'Summarize the text.\nGenerate according to: The river rose after the rain.',
    ]);
  });

  it('reads JSONL materials, drops duplicate and unusable documents, and uses every template', async () => {
    const dir = tmp();
    const file = join(dir, 'c4.jsonl');
    const docs = Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: `Document ${i}: ${'alpha beta gamma delta '.repeat(3)} number ${i * 7919} about topic ${i}.`, url: `u${i}` }));
    docs.splice(3, 0, docs[1]!, '{"text": broken', '{"url": "no text"}');
    writeFileSync(file, docs.join('\n') + '\n');
    const cfg = smallConfig();
    const { lines, counters } = await openings({ config: cfg, count: 60, sectors: ['assistance'], materials: file });
    expect(lines).toHaveLength(63);
    expect(counters.get('material_duplicate')).toBe(1);
    expect(counters.get('material_malformed')).toBe(1);
    expect(counters.get('material_no_text')).toBe(1);
    const texts = readFileSync(file, 'utf8').split('\n');
    for (const l of lines) {
      const src = l.meta.document as { file: string; line: number };
      const doc = (JSON.parse(texts[src.line - 1]!) as { text: string }).text;
      expect(l.text).toBe(applyTemplate(cfg.sectors.assistance.templates[l.meta.template as number]!, doc, String(l.meta.instruction)));
    }
    expect(new Set(lines.map((l) => l.meta.template)).size).toBe(7);
    // The duplicate of document 1 (line 4) is never used.
    expect(lines.some((l) => (l.meta.document as { line: number }).line === 4)).toBe(false);
  });

  it('reads a folder of text files, cutting long ones at a word boundary', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'docs/sub'), { recursive: true });
    writeFileSync(join(dir, 'docs/a.txt'), 'Short text about owls and how they hunt at night.');
    writeFileSync(join(dir, 'docs/sub/b.md'), 'word '.repeat(2000));
    writeFileSync(join(dir, 'docs/ignored.bin'), 'binary');
    const cfg = smallConfig((c) => (c.sectors.assistance.max_document_chars = 500));
    const { lines } = await openings({ config: cfg, count: 5, sectors: ['assistance'], materials: join(dir, 'docs') });
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => (l.meta.document as { file: string }).file)).toEqual(['a.txt', 'a.txt', 'a.txt', 'sub/b.md', 'sub/b.md', 'sub/b.md']);
    const longDoc = 'word '.repeat(2000).trim().slice(0, 500).trim();
    expect(lines[3]!.text).toContain(longDoc.slice(0, 495));
    expect(lines[3]!.text).not.toContain('word '.repeat(101));
  });
});
