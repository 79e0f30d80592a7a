/**
 * Sharded stats: three ranks' partial statistics merged against one `computeStats` pass.
 * Everything is equal except what shard-stats.ts documents: MTLD means within float rounding,
 * gzip compressed sizes of groups close (the whole dataset's are exact: ranks take whole gzip blocks).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeStats } from '../../src/stats/compute.js';
import { runStatsRank, type StatsPart } from '../../src/exec/shard-stats.js';
import { mergeStatsParts } from '../../src/exec/merge-stats.js';
import { sharedData, tempDir } from '../helpers/paths.js';

const tmp = tempDir('sftforge-merge-stats-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Json = unknown;
/** Paths where `a` and `b` differ, with both values. */
function differences(a: Json, b: Json, path = ''): [string, Json, Json][] {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? [] : [[path, a, b]];
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return JSON.stringify(a) === JSON.stringify(b) ? [] : [[path, a, b]];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  return [...keys].flatMap((k) => differences((a as Record<string, Json>)[k], (b as Record<string, Json>)[k], `${path}.${k}`));
}

describe('stats merge', () => {
  it('three ranks add up to one pass (groups by source and model included)', async () => {
    const inputs = [sharedData('sharegpt_html_sample.jsonl'), sharedData('public', 'MedicalGPT_sharegpt_zh_1K_format.jsonl'), sharedData('public', 'FastChat_dummy_conversation.json')];
    const single = await computeStats(inputs);
    const parts: StatsPart[] = [];
    for (let i = 0; i < 3; i++) parts.push(await runStatsRank({ inputs, json: join(tmp, 'stats.json'), quiet: true }, { index: i, count: 3, from: 'flags' }));
    const { result, approximateGroups } = await mergeStatsParts(parts);
    expect(approximateGroups).toEqual([]);
    expect(Object.keys(result.groups).sort()).toEqual(['model', 'source']);
    const diffs = differences(single, result);
    expect(diffs.length).toBeGreaterThan(0);
    for (const [path, a, b] of diffs) {
      if (/\.mtld\.\w+\.mean$/.test(path)) expect(Math.abs((a as number) - (b as number)) / Math.abs(a as number), path).toBeLessThan(1e-12);
      else if (/^\.groups\..*\.gzip\.(gzip_bytes|ratio)$/.test(path)) expect(Math.abs((a as number) - (b as number)) / Math.abs(a as number), path).toBeLessThan(0.01);
      else expect.fail(`${path} differs: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    // Exact where it matters: counts, quantiles, histograms, distinct-n.
    expect(result.population).toEqual(single.population);
    expect(result.text!.distinct_2).toEqual(single.text!.distinct_2);
    expect(result.text!.gzip).toEqual(single.text!.gzip);
    expect(result.text!.words_per_utterance).toEqual(single.text!.words_per_utterance);
  }, 60_000);

  it('--sample cannot be sharded', async () => {
    await expect(runStatsRank({ inputs: [sharedData('sharegpt_html_sample.jsonl')], json: join(tmp, 's.json'), sample: 10 }, { index: 0, count: 2, from: 'flags' })).rejects.toThrow(/--sample with a sharded stats run/);
  });
});
