/**
 * Records that become identical only when cleaned land on different ranks (ranks take input
 * records by ordinal); the merge must still drop them as one process would, with the same reasons,
 * the same quarantine lines and the same counters, through every filter that runs after dedup.
 * The clean preset (src/presets/clean.ts) runs as 4 ranks through the generic executor and is
 * joined by `mergeJob`, the code behind `sftforge merge`.
 */
import { appendFileSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeJob, runPipeline } from '../../src/index.js';
import { cleanSteps } from '../../src/presets/clean.js';
import { tempDir } from '../helpers/paths.js';

type CleanFlags = Record<string, unknown>;

/** `sftforge clean FILE -o OUTPUT FLAGS` in-process, whole or as one rank of `count`. */
async function clean(file: string, output: string, flags: CleanFlags, rank?: { index: number; count: number }) {
  const steps = cleanSteps([file], { ...flags, output });
  return runPipeline({ name: 'clean', steps }, { workers: 1, quiet: true, shard: rank && { ...rank, from: 'flags' } });
}

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
  ] as [string, CleanFlags][]) {
    it(`${name}: 4 ranks merge to the single-process output`, async () => {
      const dir = join(tmp, name.replace(/\W+/g, '-'));
      await clean(file, join(dir, 'single.jsonl'), opts);
      for (let i = 0; i < 4; i++) await clean(file, join(dir, 'c.jsonl'), opts, { index: i, count: 4 });
      // Before the merge only the ranks' files exist: parts, stage counters, markers.
      expect(
        readdirSync(dir)
          .filter((f) => f.startsWith('c.'))
          .sort(),
      ).toEqual([0, 1, 2, 3].flatMap((i) => ['done.json', 'part.jsonl', 'stats.json'].map((x) => `c.rank-0000${i}-of-00004.${x}`)).sort());
      await mergeJob({ path: join(dir, 'c.jsonl'), quiet: true });
      for (const suffix of ['.jsonl', '.rejects.jsonl']) expect(readFileSync(join(dir, `c${suffix}`), 'utf8')).toBe(readFileSync(join(dir, `single${suffix}`), 'utf8'));
      const merged = counts(join(dir, 'c.report.json'));
      expect(merged).toEqual(counts(join(dir, 'single.report.json')));
      expect(merged.records_in).toBe(400);
      // The ranks ran only the per-record steps (read, clean); every dedup and filter ran once, at the merge.
      // (The old per-command ranks deduplicated their own share first; the generic executor stops a
      // rank at the first global stage, so no rank reports a duplicate at all.)
      type St = { stage: string; rejects: Record<string, number> };
      const ranks = [0, 1, 2, 3].map((i) => JSON.parse(readFileSync(join(dir, `c.rank-0000${i}-of-00004.stats.json`), 'utf8')) as St[]);
      for (const r of ranks) {
        expect(r.map((s) => s.stage)).toEqual(['read', 'clean']);
        for (const s of r) expect(s.rejects.duplicate ?? s.rejects.near_duplicate).toBeUndefined();
      }
      // Cross-rank duplicates existed and were caught: a rejected copy whose kept original sits on another rank.
      const rejects = readFileSync(join(dir, 'c.rejects.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { reason: string; id: string; detail?: string });
      const rankOf = (id: string) => Number(id.slice(1)) % 4;
      const cross = rejects
        .filter((r) => r.reason === (opts.dedup === false ? 'near_duplicate' : 'duplicate'))
        .filter((r) => {
          const of = /duplicate of (r\d+)/.exec(r.detail ?? '')?.[1];
          expect(of, r.detail).toBeDefined();
          return rankOf(of!) !== rankOf(r.id);
        });
      expect(cross.length).toBeGreaterThan(0);
      if (opts.dedup !== false) expect((merged.rejects as Record<string, number>).duplicate).toBeGreaterThan(0);
      if (opts.nearDedup) expect((merged.counters as Record<string, number>).near_dedup_no_text).toBe(2);
    }, 60_000);
  }

  describe('merge checks before it works', () => {
    const dir = join(tmp, 'checks');
    const out = join(dir, 'c.jsonl');
    beforeAll(async () => {
      for (let i = 0; i < 3; i++) await clean(file, out, { nearDedup: 0.8 }, { index: i, count: 3 });
    }, 60_000);

    it('names the ranks that have not finished, and writes nothing', async () => {
      const m = join(dir, 'c.rank-00001-of-00003.done.json');
      renameSync(m, `${m}.away`);
      try {
        await expect(mergeJob({ path: out, quiet: true })).rejects.toThrow(/1 of 3 ranks of .*c have not finished: rank 1 \(no c\.rank-00001-of-00003\.done\.json\)[\s\S]*run the job again/);
        expect(readdirSync(dir).filter((f) => !f.includes('.rank-'))).toEqual([]);
      } finally {
        renameSync(`${m}.away`, m);
      }
    });

    it('detects a part that changed after its rank finished, and writes nothing', async () => {
      const part = join(dir, 'c.rank-00002-of-00003.part.jsonl');
      const size = statSync(part).size;
      appendFileSync(part, '[999999,0,{}]\n');
      try {
        await expect(mergeJob({ path: dir, quiet: true })).rejects.toThrow(/rank 2: .*c\.rank-00002-of-00003\.part\.jsonl changed after the rank finished/);
        expect(readdirSync(dir).filter((f) => !f.includes('.rank-'))).toEqual([]);
      } finally {
        truncateSync(part, size);
      }
      // Restored, the same job merges (to another path with -o) into what one process writes.
      await clean(file, join(dir, 'single', 'c.jsonl'), { nearDedup: 0.8 });
      await mergeJob({ path: dir, output: join(dir, 'merged', 'c.jsonl'), quiet: true });
      expect(readFileSync(join(dir, 'merged', 'c.jsonl')).equals(readFileSync(join(dir, 'single', 'c.jsonl')))).toBe(true);
      expect(readFileSync(join(dir, 'merged', 'c.rejects.jsonl')).equals(readFileSync(join(dir, 'single', 'c.rejects.jsonl')))).toBe(true);
    });
  });
});
