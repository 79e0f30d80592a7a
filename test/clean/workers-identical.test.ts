// `clean` must write the same bytes whatever the number of workers: with workers the dedup hash
// and the output line are made on the worker threads (src/core/precomputed.ts), in-process they
// are made on the main thread, and a stage that edits records in between must see its edits written.
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCleanPreset } from '../helpers/clean.js';
import type { ReportJson } from '../../src/core/report.js';
import { sharedData, tempDir } from '../helpers/paths.js';

const html = 'The <b>answer</b> is:<ul><li>one</li><li>two</li></ul> As an AI language model, I cannot say more.';
const extra = [
  {
    id: 'meta-1',
    conversations: [
      { from: 'human', value: 'What is it? Tell me please.' },
      { from: 'gpt', value: `<div>${html}</div>` },
    ],
    meta: { sector: 'x' },
  },
  {
    id: 'weights-1',
    conversations: [
      { from: 'human', value: 'Weights here, please answer.' },
      { from: 'gpt', value: 'Fine, here it is.' },
    ],
    weights: [1, 0],
  },
  {
    id: 'oa-1',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Parts of a question?' }] },
      { role: 'assistant', content: html },
    ],
  },
  { id: 'uc-1', data: ['An UltraChat question here?', 'An UltraChat answer, plain text.'] },
  // The same conversation as meta-1 under another id and model: an exact duplicate.
  {
    id: 'dup-1',
    model: 'Model: GPT-4',
    conversations: [
      { from: 'human', value: 'What is it?  Tell me please.' },
      { from: 'gpt', value: `<div>${html}</div>` },
    ],
  },
  { id: 'bad-1', conversations: [{ from: 'robot', value: 'x' }] },
];

function outputs(path: string): { out: Buffer; rejects: Buffer } {
  return { out: readFileSync(path), rejects: readFileSync(path.replace(/\.jsonl$/, '.rejects.jsonl')) };
}

function stable(r: ReportJson): unknown {
  const { seconds: _s, mb_per_s: _m, records_per_s: _r, peak_rss_mb: _p, ...rest } = r as ReportJson & Record<string, unknown>;
  return rest;
}

describe('clean with 1, 2 and 3 workers on a mixed input', () => {
  const dir = tempDir();
  const inputs = join(dir, 'in');

  beforeAll(() => {
    mkdirSync(inputs);
    copyFileSync(sharedData('sharegpt_html_sample.json'), join(inputs, 'a.json'));
    // The same records again as JSONL: every one a duplicate of one read before, from another batch.
    copyFileSync(sharedData('sharegpt_html_sample.jsonl'), join(inputs, 'b.jsonl'));
    writeFileSync(join(inputs, 'c.jsonl'), extra.map((r) => JSON.stringify(r)).join('\n') + '\nnot json\n');
  });

  const variants: [string, Record<string, unknown>][] = [
    ['default', {}],
    // mask edits turn weights after clean: the precomputed lines of those records must not be used.
    ['unwanted mask, GPT-4 filter inverse', { unwanted: 'mask', model: 'Model: GPT-4', modelInverse: true }],
    ['no dedup, turn filter', { dedup: false, minTurns: 4 }],
  ];

  for (const [name, o] of variants) {
    it(`writes the same bytes and counts: ${name}`, async () => {
      const runs: { out: Buffer; rejects: Buffer; report: unknown }[] = [];
      for (const workers of [1, 2, 3]) {
        const output = join(dir, `${name.replace(/\W+/g, '_')}-w${workers}.jsonl`);
        const report = await runCleanPreset([inputs], { ...o, output, workers });
        runs.push({ ...outputs(output), report: stable(report) });
      }
      const [one, ...more] = runs;
      expect(one!.out.length).toBeGreaterThan(0);
      expect(one!.rejects.length).toBeGreaterThan(0);
      for (const r of more) {
        expect(r.out.equals(one!.out)).toBe(true);
        expect(r.rejects.equals(one!.rejects)).toBe(true);
        expect(r.report).toEqual(one!.report);
      }
      const text = one!.out.toString('utf8');
      if (o.unwanted === 'mask') expect(text.split('\n').find((l) => l.includes('"id":"oa-1"'))).toContain('"weights":[1,0]');
      if (o.dedup !== false) expect(one!.rejects.toString('utf8')).toContain('"reason":"duplicate"');
    }, 120_000);
  }
});
