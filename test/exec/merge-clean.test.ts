/**
 * Records that become identical only when cleaned land on different ranks (ranks are assigned by
 * the raw turns); merge must still drop them as one process would, with the same reasons, the
 * same quarantine lines and the same counters, through every filter that runs after dedup.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runClean, type RunCleanOptions } from '../../src/clean/run-clean.js';
import { runCleanRank } from '../../src/exec/shard-clean.js';
import { runMerge } from '../../src/exec/merge.js';
import { tempDir } from '../helpers/paths.js';

const tmp = tempDir('sftforge-merge-clean-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' ');
function text(seed: number, n: number): string {
  let x = seed * 7919 + 13;
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(' ');
}

/**
 * 400 records over 150 distinct questions: a third end on a user turn (removed by cleaning, so
 * they equal a record without it), some answers differ by a few words (near duplicates), some
 * are refusals (unwanted phrases), some carry a blocked word; the texts are not English
 * (the language filter drops them), except that every 7th is a refusal in English.
 */
function input(): string {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const q = i % 150;
    let a = `<p>${text(q + 1000, 40)}</p>`;
    if (i % 7 === 0) a = `<p>As an AI language model, I cannot help with that. Here is what I can say instead about the topic you raised. ${text(i, 30)}</p>`;
    if (i % 11 === 0) a = `<p>${text(q + 1000, 38)} extra words</p>`;
    const conv = [
      { from: 'human', value: `Question ${q} ${text(q, 12)}` },
      { from: 'gpt', value: a },
    ];
    if (i % 3 === 0) conv.push({ from: 'human', value: `trailing ${i}` });
    if (i % 13 === 0) conv.push({ from: 'gpt', value: `<p>badword here ${i}</p>` });
    // No words at all: near dedup passes them and counts them (near_dedup_no_text).
    if (i === 50 || i === 250) conv.splice(0, conv.length, { from: 'human', value: `?!?! ${'?'.repeat(i / 50)} ?!?!` }, { from: 'gpt', value: '<p>--- *** --- !!! ...</p>' });
    lines.push(JSON.stringify({ id: `r${i}`, conversations: conv }));
  }
  return lines.join('\n') + '\n';
}

const TIMINGS = new Set(['seconds', 'mb_per_s', 'records_per_s', 'peak_rss_mb']);
const counts = (p: string) => Object.fromEntries(Object.entries(JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>).filter(([k]) => !TIMINGS.has(k)));

describe('clean merge across ranks', () => {
  const file = join(tmp, 'in.jsonl');
  writeFileSync(file, input());

  for (const [name, opts] of [
    ['near dedup', { nearDedup: 0.8 }],
    ['mask + language + near dedup', { unwanted: 'mask', lang: ['en'], nearDedup: 0.7 }],
    ['drop + blocked words', { unwanted: 'drop', blockedWords: 'badword' }],
    ['near dedup without exact dedup', { dedup: false, nearDedup: 0.9 }],
  ] as [string, Partial<RunCleanOptions>][]) {
    it(`${name}: 4 ranks merge to the single-process output`, async () => {
      const dir = join(tmp, name.replace(/\W+/g, '-'));
      const base = { inputs: [file], workers: 1, quiet: true, ...opts };
      await runClean({ ...base, output: join(dir, 'single.jsonl') });
      for (let i = 0; i < 4; i++) await runCleanRank({ ...base, output: join(dir, 'c.jsonl') }, { index: i, count: 4, from: 'flags' });
      await runMerge({ path: join(dir, 'c.jsonl'), quiet: true });
      for (const suffix of ['.jsonl', '.rejects.jsonl']) expect(readFileSync(join(dir, `c${suffix}`), 'utf8')).toBe(readFileSync(join(dir, `single${suffix}`), 'utf8'));
      const merged = counts(join(dir, 'c.report.json'));
      expect(merged).toEqual(counts(join(dir, 'single.report.json')));
      // Cross-rank duplicates existed and were caught by merge, not by the ranks.
      const rankDup = [0, 1, 2, 3].reduce((n, i) => n + ((counts(join(dir, `c.rank-0000${i}-of-00004.report.json`)).rejects as Record<string, number>).duplicate ?? 0), 0);
      if (opts.dedup !== false) expect((merged.rejects as Record<string, number>).duplicate).toBeGreaterThan(rankDup);
      if (opts.nearDedup) expect((merged.counters as Record<string, number>).near_dedup_no_text).toBe(2);
    }, 60_000);
  }
});
