/**
 * Sharded stats: three ranks of the stats preset (read → stats) joined by `mergeJob`, against one
 * process. The old per-command ranks computed partial statistics and merged them approximately
 * (MTLD means within float rounding, group gzip sizes within 1 %); the generic executor runs the
 * global `stats` stage once, after the join, on the records in input order, so the merged JSON must
 * now be exactly one process's — and a sampled run (which the old ranks refused) too.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { computeStats } from '../../src/stats/compute.js';
import { statsToJson } from '../../src/stats/write.js';
import { mergeJob, runPipeline } from '../../src/index.js';
import { sharedData, tempDir } from '../helpers/paths.js';

const tmp = tempDir('sftforge-merge-stats-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const inputs = [sharedData('sharegpt_html_sample.jsonl'), sharedData('public', 'MedicalGPT_sharegpt_zh_1K_format.jsonl'), sharedData('public', 'FastChat_dummy_conversation.json')];

/** `sftforge stats INPUTS --json JSON [--sample N --seed S]` in-process (the table on stdout silenced), whole or as a rank of 3. */
async function stats(json: string, extra: Record<string, unknown>, rank?: number) {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await runPipeline(
      {
        name: 'stats',
        steps: [
          { stage: 'read', paths: inputs },
          { stage: 'stats', json, ...extra },
        ],
      },
      { workers: 1, quiet: true, shard: rank === undefined ? undefined : { index: rank, count: 3, from: 'flags' } },
    );
  } finally {
    out.mockRestore();
  }
}

describe('stats merge', () => {
  it('three ranks merge to exactly one pass (groups by source and model included)', async () => {
    const single = join(tmp, 'single', 'stats.json');
    const sharded = join(tmp, 'sharded', 'stats.json');
    await stats(single, {});
    for (let i = 0; i < 3; i++) await stats(sharded, {}, i);
    await mergeJob({ path: sharded, quiet: true });
    expect(readFileSync(sharded, 'utf8')).toBe(readFileSync(single, 'utf8'));
    // And one pass is computeStats over the same files, independently of the pipeline.
    const result = JSON.parse(readFileSync(sharded, 'utf8'));
    const direct = JSON.parse(statsToJson(await computeStats(inputs)));
    expect(result.population).toEqual(direct.population);
    expect(Object.keys(result.groups).sort()).toEqual(['model', 'source']);
    expect(result.text.distinct_2).toEqual(direct.text.distinct_2);
    expect(result.text.gzip).toEqual(direct.text.gzip);
    expect(result.text.words_per_utterance).toEqual(direct.text.words_per_utterance);
    expect(result.text.mtld).toEqual(direct.text.mtld);
    expect(result.population.dialogues).toBeGreaterThan(4000);
  }, 120_000);

  it('--sample with ranks: the merged sample is the one one process draws', async () => {
    const single = join(tmp, 'single-sample', 'stats.json');
    const sharded = join(tmp, 'sharded-sample', 'stats.json');
    await stats(single, { sample: 100, seed: 4 });
    for (let i = 0; i < 3; i++) await stats(sharded, { sample: 100, seed: 4 }, i);
    await mergeJob({ path: sharded, quiet: true });
    expect(readFileSync(sharded, 'utf8')).toBe(readFileSync(single, 'utf8'));
    expect(JSON.parse(readFileSync(sharded, 'utf8')).population.measured).toBe(100);
  }, 120_000);
});
