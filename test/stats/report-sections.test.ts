/**
 * Issue #12's report sections against the data they come from: a JSONL written by a pipeline run
 * (read → filter_turns → write_jsonl, so X.report.json holds rejects by reason) and the tokenized
 * folder `tokenize` made of it (sftforge.json's report holds its own rejects). The reject counts
 * must be the reports', the trained share a count made here from the Arrow shards, and the sample
 * rows' highlighted text, as Chromium shows it, the assistant replies of those rows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runPipeline } from '../../src/index.js';
import { runTokenize } from '../../src/format/run-tokenize.js';
import { chartSpecs, computeStats, renderHtmlReport, statsToJson, writeStats, type StatsResult } from '../../src/stats/index.js';
import { capSpans, pickRows, SAMPLE_MAX_CHARS } from '../../src/stats/samples.js';
import { tempDir } from '../helpers/paths.js';
import { renderReport } from './chromium.js';

const tmp = tempDir('sftforge-report-sections-');
const RAW = join(tmp, 'raw.jsonl');
const CLEAN = join(tmp, 'clean.jsonl');
const TOK = join(tmp, 'tokenized');

type Msg = { from: 'human' | 'gpt'; value: string };
const conv = (id: string, ...turns: string[]) => ({ id, conversations: turns.map((value, i): Msg => ({ from: i % 2 ? 'gpt' : 'human', value })) });

/** 10 kept dialogues (replies with markup the report must escape), 3 too long, 1 without a reply, 1 broken line. */
function writeInput(): void {
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) {
    const reply = `Answer ${i}: use <b>bold</b> & "quotes" 'here'${'; more'.repeat(i)}.`;
    lines.push(JSON.stringify(i % 2 === 0 ? conv(`d${i}`, `Question ${i}?`, reply, 'And then?', `Then ${i} <script>alert(1)</script>.`) : conv(`d${i}`, `Question ${i}?`, reply)));
  }
  for (let i = 0; i < 3; i++) lines.push(JSON.stringify(conv(`long${i}`, 'a', 'b', 'c', 'd', 'e', 'f')));
  lines.push(JSON.stringify(conv('noreply', 'Is anyone there?')));
  lines.push('{"id": "broken", "conversations": [');
  writeFileSync(RAW, lines.join('\n') + '\n');
}

let result: StatsResult;
let cleanReport: { records_in: number; records_out: number; rejects: Record<string, number> };
let manifest: { report: { records_in: number; records_out: number; rejects: Record<string, number> }; shards: { file: string }[] };

beforeAll(async () => {
  writeInput();
  await runPipeline(
    {
      name: 'prep',
      steps: [
        { stage: 'read', paths: [RAW] },
        { stage: 'filter_turns', max_turns: 4 },
        { stage: 'write_jsonl', path: CLEAN },
      ],
    },
    { workers: 1, quiet: true },
  );
  cleanReport = JSON.parse(readFileSync(join(tmp, 'clean.report.json'), 'utf8'));
  await runTokenize({ inputs: [CLEAN], output: TOK, tokenizer: 'mistral', template: 'openchat_3.5', maxLen: 2048, quiet: true });
  manifest = JSON.parse(readFileSync(join(TOK, 'sftforge.json'), 'utf8'));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    result = await computeStats([CLEAN, TOK], { seed: 0 });
  } finally {
    out.mockRestore();
  }
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Trained share counted here, straight from the Arrow shards. */
function countShards(): { tokens: number; trained: number; perRow: number[] } {
  let tokens = 0;
  let trained = 0;
  const perRow: number[] = [];
  for (const s of manifest.shards) {
    const t = tableFromIPC(readFileSync(join(TOK, s.file)));
    for (const row of t) {
      const labels = Array.from(row.labels as Iterable<number>);
      const k = labels.filter((l) => l !== -100).length;
      tokens += labels.length;
      trained += k;
      perRow.push(k / labels.length);
    }
  }
  return { tokens, trained, perRow };
}

/** The assistant replies of each kept dialogue, by id, as the template closes them. */
function repliesById(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of readFileSync(CLEAN, 'utf8').split('\n').filter(Boolean)) {
    const c = JSON.parse(line) as { id: string; conversations: Msg[] };
    m.set(
      c.id,
      c.conversations.filter((t) => t.from === 'gpt').map((t) => `${t.value}<|end_of_turn|>`),
    );
  }
  return m;
}

describe('rejects by reason', () => {
  test('the fixture has rejects of three reasons on the way to the two outputs', () => {
    expect(cleanReport.rejects).toMatchObject({ max_turns: 3 });
    expect(Object.keys(cleanReport.rejects).length).toBeGreaterThanOrEqual(2);
    expect(Object.values(manifest.report.rejects).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  test('the JSON result carries each input report: records in/out and rejects by reason, equal to the reports', () => {
    expect(result.quarantine).toHaveLength(2);
    const [text, tok] = result.quarantine;
    expect(text).toEqual({
      input: CLEAN,
      report: join(tmp, 'clean.report.json'),
      stage: expect.any(String),
      records_in: cleanReport.records_in,
      records_out: cleanReport.records_out,
      rejects: cleanReport.rejects,
      rejected: Object.values(cleanReport.rejects).reduce((a, b) => a + b, 0),
    });
    expect(tok).toMatchObject({ input: TOK, report: join(TOK, 'sftforge.json'), records_in: manifest.report.records_in, records_out: manifest.report.records_out, rejects: manifest.report.rejects });
    // in = out + rejects holds for a JSONL (a tokenized folder may split a conversation into rows).
    expect(text!.records_in).toBe(text!.records_out! + text!.rejected);
    // The key order of the earlier fields is kept; the new field comes last.
    expect(Object.keys(JSON.parse(statsToJson(result)))).toEqual(['sftforge_stats', 'inputs', 'options', 'population', 'text', 'groups', 'tokenized', 'reference', 'quarantine']);
  });

  test('the stats stage (as `sftforge stats` runs it) writes the same new fields', async () => {
    const json = join(tmp, 'stage', 'stats.json');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runPipeline(
        {
          name: 'stats',
          steps: [
            { stage: 'read', paths: [CLEAN] },
            { stage: 'stats', json, tokenized: [TOK] },
          ],
        },
        { workers: 1, quiet: true },
      );
    } finally {
      out.mockRestore();
    }
    const got = JSON.parse(readFileSync(json, 'utf8')) as StatsResult;
    expect(got.quarantine).toEqual(result.quarantine);
    expect(got.tokenized[0]!.samples).toEqual(result.tokenized[0]!.samples);
    expect(got.tokenized[0]!.share_trained_hist).toEqual(result.tokenized[0]!.share_trained_hist);
  }, 60_000);

  test('an input without a report gets a row of nulls, not an error', async () => {
    const r = await computeStats([RAW]);
    expect(r.quarantine).toEqual([{ input: RAW, report: null, stage: null, records_in: null, records_out: null, rejects: {}, rejected: 0 }]);
    // The reader's own rejects (the broken line) are shown as this run's row.
    expect(r.population.rejected).not.toEqual({});
    expect(chartSpecs(r).map((s) => s.id)).toContain('rejects-1');
  });

  test('one bar chart per input with rejects, bars = the report counts', () => {
    const specs = chartSpecs(result);
    const a = specs.find((s) => s.id === 'rejects-0')!;
    expect(Object.fromEntries(a.labels.map((l, i) => [l, a.values[i]]))).toEqual(cleanReport.rejects);
    const b = specs.find((s) => s.id === 'rejects-1')!;
    expect(Object.fromEntries(b.labels.map((l, i) => [l, b.values[i]]))).toEqual(manifest.report.rejects);
  });
});

describe('trained share', () => {
  test('overall share and per-row tenths equal a count made from the Arrow shards', () => {
    const c = countShards();
    const k = result.tokenized[0]!;
    expect(k.tokens_total).toBe(c.tokens);
    expect(k.trained_tokens_total).toBe(c.trained);
    expect(k.share_trained).toBe(c.trained / c.tokens);
    const bins = new Array(10).fill(0);
    for (const s of c.perRow) bins[Math.min(9, Math.floor(s * 10 + 1e-12))]++;
    expect(k.share_trained_hist.counts).toEqual(bins);
    expect(k.share_trained_hist.edges).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    const spec = chartSpecs(result).find((s) => s.id === 'trained-share-0')!;
    expect(spec.values).toEqual(bins);
  });
});

describe('sample rows', () => {
  test("3 rows, picked by the seed, decoded with trained spans = the rows' assistant replies", () => {
    const k = result.tokenized[0]!;
    expect(k.samples_note).toBeUndefined();
    expect(k.samples.map((s) => s.row)).toEqual(pickRows(k.rows, 3, 0));
    const replies = repliesById();
    for (const s of k.samples) {
      expect(s.truncated).toBe(false);
      expect(s.spans.filter((p) => p.trained).map((p) => p.text.trimStart())).toEqual(replies.get(s.id));
    }
  });

  test('another seed picks other rows; the cap keeps whole characters', async () => {
    expect(pickRows(k0().rows, 3, 7)).not.toEqual(pickRows(k0().rows, 3, 0));
    expect(pickRows(2, 3, 0)).toEqual([0, 1]);
    const cut = capSpans(
      [
        { text: 'ab', trained: false },
        { text: 'c😀d', trained: true },
      ],
      4,
    );
    expect(cut).toEqual({
      spans: [
        { text: 'ab', trained: false },
        { text: 'c', trained: true },
      ],
      truncated: true,
    });
    const long = capSpans([{ text: 'x'.repeat(SAMPLE_MAX_CHARS + 10), trained: true }]);
    expect(long.spans[0]!.text).toHaveLength(SAMPLE_MAX_CHARS);
  });

  test('a folder whose tokenizer is unknown says so instead of failing', async () => {
    const m = JSON.parse(readFileSync(join(TOK, 'sftforge.json'), 'utf8'));
    const other = join(tmp, 'tokenized-elsewhere');
    await import('node:fs/promises').then((fs) => fs.cp(TOK, other, { recursive: true }));
    writeFileSync(join(other, 'sftforge.json'), JSON.stringify({ ...m, tokenizer: join(tmp, 'no-such-tokenizer') }));
    const r = await computeStats([other]);
    expect(r.tokenized[0]!.samples).toEqual([]);
    expect(r.tokenized[0]!.samples_note).toMatch(/rows not decoded with tokenizer .*no-such-tokenizer/);
    expect(renderHtmlReport(r)).toContain('class="note samples-note"');
  });
});

const k0 = () => result.tokenized[0]!;

describe('in Chromium', () => {
  test('the page shows the same figures: rejects table, trained share, highlighted replies; no console error', async () => {
    const html = join(tmp, 'report.html');
    await writeStats(result, { html });
    const text = renderHtmlReport(result);
    // Markup in the data is escaped: no stray element from a reply.
    expect(text).not.toContain('<script>alert(1)</script>');
    expect(text).not.toContain('<b>bold</b>');
    const shot = process.env.SFTFORGE_REPORT_SCREENSHOT;
    const r = await renderReport(html, shot, () => ({
      cells: [...document.querySelectorAll('#rejects td[data-reason]')].map((td) => ({ input: Number(td.getAttribute('data-input')), reason: td.getAttribute('data-reason'), n: td.textContent })),
      headline: document.querySelector('#tokenized-0 .trained-share b')?.textContent,
      samples: [...document.querySelectorAll('#tokenized-0 .sample')].map((d) => ({
        row: Number(d.getAttribute('data-row')),
        id: d.querySelector('code')?.textContent,
        trained: [...d.querySelectorAll('mark.trained')].map((m) => m.textContent),
      })),
      injected: document.querySelectorAll('.sample b, .sample script').length,
    }));
    expect(r.pageErrors).toEqual([]);
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.done).toBe(true);
    expect(r.charts).toBe(chartSpecs(result).length);
    for (const c of r.canvases) expect(c.painted, c.id).toBeGreaterThan(2_000);
    const p = r.probe as { cells: { input: number; reason: string; n: string }[]; headline: string; samples: { row: number; id: string; trained: string[] }[]; injected: number };
    const shown = (i: number) => Object.fromEntries(p.cells.filter((c) => c.input === i && c.n !== '').map((c) => [c.reason, Number(c.n)]));
    expect(shown(0)).toEqual(cleanReport.rejects);
    expect(shown(1)).toEqual(manifest.report.rejects);
    const c = countShards();
    expect(p.headline).toBe(`${((100 * c.trained) / c.tokens).toFixed(1)}%`);
    const replies = repliesById();
    expect(p.samples.map((s) => s.row)).toEqual(k0().samples.map((s) => s.row));
    expect(p.samples).toHaveLength(3);
    for (const s of p.samples) expect(s.trained.map((t) => t.trimStart())).toEqual(replies.get(s.id));
    expect(p.injected).toBe(0);
  }, 60_000);
});
