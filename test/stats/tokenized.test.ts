import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeStats, isTokenizedFolder, tokenizedStats } from '../../src/stats/index.js';
import { writeTokenizedFolder, type FixtureRow } from './arrow-fixture.js';

const U = -100;
/** 3 shards, 7 rows; hand-countable tokens and trained labels. */
const SHARDS: FixtureRow[][] = [
  [
    { id: 'a', input_ids: [1, 2, 3, 4, 5, 6], labels: [U, U, U, 4, 5, 6] }, // 6 tokens, 3 trained
    { id: 'b', input_ids: [7, 8], labels: [7, 8] }, // 2, 2
  ],
  [
    { id: 'c', input_ids: [1, 2, 3], labels: [U, U, U] }, // 3, 0
    { id: 'd', input_ids: Array.from({ length: 10 }, (_, i) => i), labels: [U, U, 2, 3, 4, 5, 6, 7, 8, 9] }, // 10, 8
    { id: 'e', input_ids: [5], labels: [5] }, // 1, 1
  ],
  [
    { id: 'f', input_ids: [1, 2, 3, 4], labels: [U, 2, U, 4] }, // 4, 2
    { id: 'g', input_ids: [9, 9, 9, 9, 9], labels: [U, U, U, U, 9] }, // 5, 1
  ],
];
const TOKENS = [6, 2, 3, 10, 1, 4, 5];
const TRAINED = [3, 2, 0, 8, 1, 2, 1];

let dir: string;
let root: string;
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sftforge-tok-'));
  dir = join(root, 'tokenized');
  await writeTokenizedFolder(dir, SHARDS, {
    kind: 'tokenized',
    shards: [],
    report: { stage: 'format', records_in: 6, records_out: 7, counters: { conversations_split: 1, rows_truncated: 2, tokens: 31 } },
  });
});

describe('tokenized dataset folder (Arrow stream shards)', () => {
  test('rows, tokens, trained tokens and share, read across shards', async () => {
    const s = await tokenizedStats(dir);
    expect(s.files).toEqual(['data-00000-of-00003.arrow', 'data-00001-of-00003.arrow', 'data-00002-of-00003.arrow']);
    expect(s.rows).toBe(7);
    expect(s.measured_rows).toBe(7);
    expect(s.tokens_total).toBe(31);
    expect(s.trained_tokens_total).toBe(17);
    expect(s.share_trained).toBe(17 / 31);
    expect(s.tokens_per_row).toMatchObject({ count: 7, min: 1, max: 10, p50: 4, mean: 31 / 7 });
    expect(s.trained_tokens_per_row).toMatchObject({ count: 7, min: 0, max: 8, p50: 2 });
    const shares = TOKENS.map((t, i) => TRAINED[i]! / t);
    expect(s.share_trained_per_row.mean).toBeCloseTo(shares.reduce((a, b) => a + b, 0) / 7, 12);
    expect(s.tokens_per_row.hist!.counts.reduce((a, b) => a + b, 0)).toBe(7);
    expect(s.sequences_per_row).toBeUndefined();
  });

  test('rows split and truncated come from sftforge.json report.counters', async () => {
    const s = await tokenizedStats(dir);
    expect(s.rows_split).toBe(1);
    expect(s.rows_truncated).toBe(2);
    expect(s.manifest_counters).toEqual({ conversations_split: 1, rows_truncated: 2, tokens: 31 });
  });

  test('packed rows: sequences per row from seq_lens; no manifest: split/truncated unknown', async () => {
    const packed = join(dir, '..', 'packed');
    await writeTokenizedFolder(packed, [
      [
        { id: 'p0', input_ids: [1, 2, 3, 4, 5], labels: [U, 2, U, 4, 5], seq_lens: [2, 3] },
        { id: 'p1', input_ids: [1, 2, 3], labels: [1, 2, 3], seq_lens: [1, 1, 1] },
      ],
    ]);
    const s = await tokenizedStats(packed);
    expect(s.sequences_per_row).toMatchObject({ count: 2, min: 2, max: 3, mean: 2.5 });
    expect(s.rows_split).toBeNull();
    expect(s.rows_truncated).toBeNull();
  });

  test('sampled rows: the sample size is reported beside the total', async () => {
    const s = await tokenizedStats(dir, { sample: 3, seed: 5 });
    expect(s.rows).toBe(7);
    expect(s.measured_rows).toBe(3);
    expect(s.tokens_per_row.count).toBe(3);
    expect(await tokenizedStats(dir, { sample: 3, seed: 5 })).toEqual(s);
  });

  test('computeStats tells tokenized folders from text inputs', async () => {
    expect(await isTokenizedFolder(dir)).toBe(true);
    expect(await isTokenizedFolder(join(dir, 'state.json'))).toBe(false);
    const r = await computeStats([dir]);
    expect(r.text).toBeNull();
    expect(r.tokenized).toHaveLength(1);
    expect(r.tokenized[0]!.tokens_total).toBe(31);
  });

  test('a folder that is not a dataset says what to do', async () => {
    const bad = join(dir, '..', 'bad');
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, 'state.json'), '{}');
    await expect(tokenizedStats(bad)).rejects.toThrow(/no data-\*\.arrow files.*\n.*hint/);
    await writeFile(join(bad, 'data-00000-of-00001.arrow'), 'not arrow at all');
    await expect(tokenizedStats(bad)).rejects.toThrow(/data-00000-of-00001.arrow: is not a readable Arrow IPC stream/);
  });
});
