import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chartSpecs, computeStats, PAPER_TABLE4, renderHtmlReport, writeStats, type StatsResult } from '../../src/stats/index.js';
import { renderReport } from './chromium.js';
import { writeTokenizedFolder } from './arrow-fixture.js';

const PUBLIC = resolve(import.meta.dirname, '../../../shared/data/public');
const INPUTS = ['FastChat_dummy_conversation.json', 'DialogStudio_ShareGPT_original_example.json', 'UltraChat_train_record0.jsonl'].map((f) => join(PUBLIC, f));

let tmp: string;
let result: StatsResult;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sftforge-report-'));
  const tok = join(tmp, 'tokenized');
  await writeTokenizedFolder(tok, [
    Array.from({ length: 40 }, (_, i) => ({
      id: `r${i}`,
      input_ids: Array.from({ length: 20 + ((i * 37) % 200) }, () => 1),
      labels: Array.from({ length: 20 + ((i * 37) % 200) }, (_, k) => (k < 10 ? -100 : 1)),
    })),
  ]);
  result = await computeStats([...INPUTS, tok]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('HTML report', () => {
  test('self-contained: inlined Chart.js, a CSP that forbids fetches, no external references', () => {
    const html = renderHtmlReport(result);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="http/);
    expect(Buffer.byteLength(html)).toBeLessThan(400_000);
  });

  test('has the paper Table 4 rows beside this data, and one chart per histogram and grouping', () => {
    const specs = chartSpecs(result);
    const paper = specs.find((s) => s.id === 'mtld-vs-paper')!;
    for (const row of PAPER_TABLE4) {
      const i = paper.labels.indexOf(`${row.dataset} (paper)`);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(paper.values[i]).toBe(row.mtld);
    }
    expect(paper.labels.at(-1)).toBe(`this data (n=${result.text!.mtld.all.count} utt.)`);
    expect(specs.map((s) => s.id)).toEqual(['mtld-vs-paper', 'turns', 'words-user', 'words-assistant', 'mtld', 'group-source', 'tokens-0', 'trained-share-0']);
    const html = renderHtmlReport(result);
    for (const s of specs) expect(html).toContain(`<canvas id="${s.id}"`);
  });

  test('renders in headless Chromium: every chart drawn, no console error, no network request', async () => {
    const html = join(tmp, 'report.html');
    const json = join(tmp, 'stats.json');
    await writeStats(result, { html, json });
    expect(JSON.parse(readFileSync(json, 'utf8')).text.dialogues).toBe(506);
    expect(statSync(html).size).toBeGreaterThan(100_000);
    const shot = join(tmp, 'report.png');
    const r = await renderReport(html, shot);
    expect(r.pageErrors).toEqual([]);
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.done).toBe(true);
    const n = chartSpecs(result).length;
    expect(r.charts).toBe(n);
    expect(r.canvases).toHaveLength(n);
    for (const c of r.canvases) {
      expect(c.width * c.height, c.id).toBeGreaterThan(10_000);
      // Axes, labels and bars paint far more than a few stray pixels.
      expect(c.painted, c.id).toBeGreaterThan(2_000);
    }
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});
