/**
 * Sharded jobs run the way an engine runs them: each rank a separate `node dist/cli/main.js`
 * process whose rank comes from a Slurm array or a Kubernetes Indexed Job environment, then
 * `merge`. The merged result must be what one process writes: same bytes, same counts.
 */
import { Command } from 'commander';
import { appendFileSync, copyFileSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeJob } from '../../src/index.js';
import { register as registerMerge } from '../../src/cli/commands/merge.js';
import { sharedData, tempDir } from '../helpers/paths.js';
import { ensureBuilt, ok, runCli } from './helpers.js';

const SAMPLE = sharedData('sharegpt_html_sample.json');
const tmp = tempDir('sftforge-ranks-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 180_000);

const TIMINGS = ['seconds', 'mb_per_s', 'records_per_s', 'peak_rss_mb'];
function counts(path: string): Record<string, unknown> {
  const r = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  for (const k of TIMINGS) delete r[k];
  return r;
}

/** Slurm array `--array=1-3`: task ids 1..3 are ranks 0..2. */
const slurm = (task: number, n: number) => ({ SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_TASK_COUNT: String(n), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: String(n) });
/** Kubernetes Indexed Job: JOB_COMPLETION_INDEX, count set by the manifest. */
const k8s = (index: number, n: number) => ({ JOB_COMPLETION_INDEX: String(index), SFTFORGE_NUM_SHARDS: String(n) });

describe('clean: 3 ranks from a Slurm array, then merge', () => {
  const single = join(tmp, 'single', 'clean.jsonl');
  const sharded = join(tmp, 'sharded', 'clean.jsonl');
  const args = ['--near-dedup', '0.8', '--quiet', '--workers', '1'];

  beforeAll(async () => {
    await Promise.all([ok(runCli(['clean', SAMPLE, '-o', single, ...args])), ...[1, 2, 3].map((t) => ok(runCli(['clean', SAMPLE, '-o', sharded, ...args], slurm(t, 3))))]);
    await mergeJob({ path: sharded, quiet: true });
  }, 180_000);

  it('writes the same output, quarantine and counts as one process', () => {
    expect(readFileSync(sharded).equals(readFileSync(single))).toBe(true);
    expect(readFileSync(sharded.replace('.jsonl', '.rejects.jsonl')).equals(readFileSync(single.replace('.jsonl', '.rejects.jsonl')))).toBe(true);
    const merged = counts(sharded.replace('.jsonl', '.report.json'));
    expect(merged).toEqual(counts(single.replace('.jsonl', '.report.json')));
    // Not a trivial agreement: the ranks did not dedup, the merge did (over every rank's records).
    expect((merged.rejects as Record<string, number>).near_duplicate).toBeGreaterThan(50);
    type St = { key: string; stage: string; out: number; rejects: Record<string, number> };
    const ranks = [0, 1, 2].map((i) => JSON.parse(readFileSync(join(tmp, 'sharded', `clean.rank-0000${i}-of-00003.stats.json`), 'utf8')) as St[]);
    for (const r of ranks) {
      expect(r.map((s) => s.stage)).toEqual(['read', 'clean']);
      for (const s of r) expect(s.rejects.near_duplicate ?? s.rejects.duplicate).toBeUndefined();
    }
    const readIn = (r: St[]) => r[0]!.out + Object.values(r[0]!.rejects).reduce((a, b) => a + b, 0);
    expect(ranks.reduce((n, r) => n + readIn(r), 0)).toBe(3375);
    expect(Math.min(...ranks.map(readIn))).toBeGreaterThan(900);
  });

  it('a rerun skips the ranks that finished', async () => {
    const part = join(tmp, 'sharded', 'clean.rank-00001-of-00003.part.jsonl');
    const before = statSync(part).mtimeMs;
    const r = await ok(runCli(['clean', SAMPLE, '-o', sharded, ...args], slurm(2, 3)));
    expect(r.stderr).toMatch(/clean: rank 1 of 3 \(from slurm\) already complete .*clean\.rank-00001-of-00003\.done\.json.*nothing to do/);
    expect(statSync(part).mtimeMs).toBe(before);
  });

  it('a rank with other options refuses to overwrite a finished part', async () => {
    const r = await runCli(['clean', SAMPLE, '-o', sharded, '--near-dedup', '0.9', '--quiet'], slurm(1, 3));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is from a run with other inputs or options/);
  });

  it('merge names the ranks that have not finished', async () => {
    const m = join(tmp, 'sharded', 'clean.rank-00001-of-00003.done.json');
    renameSync(m, m + '.away');
    try {
      await expect(mergeJob({ path: sharded, output: join(tmp, 'x.jsonl'), quiet: true })).rejects.toThrow(
        /1 of 3 ranks of .*clean have not finished: rank 1 \(no clean\.rank-00001-of-00003\.done\.json\)[\s\S]*run the job again/,
      );
    } finally {
      renameSync(m + '.away', m);
    }
  });

  it('merge refuses a part that changed after its rank finished', async () => {
    const part = join(tmp, 'sharded', 'clean.rank-00002-of-00003.part.jsonl');
    const size = statSync(part).size;
    appendFileSync(part, '{}\n');
    try {
      await expect(mergeJob({ path: join(tmp, 'sharded'), output: join(tmp, 'x.jsonl'), quiet: true })).rejects.toThrow(
        /rank 2: .*clean\.rank-00002-of-00003\.part\.jsonl changed after the rank finished/,
      );
    } finally {
      truncateSync(part, size);
    }
  });

  it('`sftforge merge DIR -o OUT` from the command line', async () => {
    const program = new Command('sftforge').exitOverride();
    registerMerge(program);
    const out = join(tmp, 'cli-merged', 'c.jsonl');
    await program.parseAsync(['node', 'sftforge', 'merge', join(tmp, 'sharded'), '-o', out, '--quiet']);
    expect(readFileSync(out).equals(readFileSync(single))).toBe(true);
    expect(readdirSync(join(tmp, 'cli-merged')).sort()).toEqual(['c.jsonl', 'c.rejects.jsonl', 'c.report.json']);
  });
});

describe('tokenize: 3 ranks from a Kubernetes Indexed Job, then merge', () => {
  const input = join(tmp, 'tok-input.jsonl');
  const tok = ['--tokenizer', 'qwen3', '--template', 'chatml', '--max-len', '2048', '--quiet'];

  const head = join(tmp, 'tok-head.jsonl');
  beforeAll(() => {
    // The raw JSONL sample: its truncated line and special-token records exercise the quarantine order.
    copyFileSync(sharedData('sharegpt_html_sample.jsonl'), input);
    // Packing is global (merge packs): 900 records are enough to show it and keep the test short.
    writeFileSync(head, readFileSync(input, 'utf8').split('\n').slice(0, 900).join('\n') + '\n');
  });

  for (const [name, file, extra] of [
    ['unpacked', input, ['--shard-size', '2MB']],
    ['packed', head, ['--pack']],
  ] as const) {
    it(`${name}: the merged folder is byte-identical to one process's`, async () => {
      const input = file;
      const single = join(tmp, `tok-${name}`, 'single');
      const sharded = join(tmp, `tok-${name}`, 'ds');
      await Promise.all([ok(runCli(['tokenize', input, '-o', single, ...tok, ...extra])), ...[0, 1, 2].map((i) => ok(runCli(['tokenize', input, '-o', sharded, ...tok, ...extra], k8s(i, 3))))]);
      await mergeJob({ path: sharded, quiet: true });
      const files = readdirSync(single).sort();
      expect(readdirSync(sharded).sort()).toEqual(files);
      for (const f of files) expect(readFileSync(join(sharded, f)).equals(readFileSync(join(single, f))), f).toBe(true);
      expect(readFileSync(`${sharded}.rejects.jsonl`).equals(readFileSync(`${single}.rejects.jsonl`))).toBe(true);
      const m = JSON.parse(readFileSync(join(sharded, 'sftforge.json'), 'utf8'));
      expect(m.rows).toBeGreaterThan(name === 'packed' ? 100 : 3000);
      expect(m.pack).toBe(name === 'packed');
      if (name === 'unpacked') expect(m.shards.length).toBeGreaterThan(1);
    }, 180_000);
  }
});

describe('generate: 3 ranks over one openings file, then merge', () => {
  it('writes the dialogues one process writes, in id order', async () => {
    const dir = join(tmp, 'gen');
    const common = ['--sector', 'creation,world', '--count', '11', '--dry-run', '--quiet'];
    await ok(runCli(['generate', ...common, '-o', join(dir, 'single.jsonl')]));
    const openings = join(dir, 'single.openings.jsonl');
    const ranks = [0, 1, 2].map((i) => ok(runCli(['generate', ...common, '--openings', openings, '-o', join(dir, 'gen.jsonl'), '--num-shards', '3', '--shard-index', String(i)])));
    await Promise.all(ranks);
    const noOpenings = await runCli(['generate', ...common, '-o', join(dir, 'x.jsonl'), '--num-shards', '3', '--shard-index', '0']);
    expect(noOpenings.stderr).toMatch(/a sharded generate needs the openings built first/);
    await ok(runCli(['merge', join(dir, 'gen.jsonl'), '--quiet']));
    const merged = readFileSync(join(dir, 'gen.jsonl'), 'utf8');
    expect(merged).toBe(readFileSync(join(dir, 'single.jsonl'), 'utf8'));
    expect(merged.trim().split('\n')).toHaveLength(11);
  }, 180_000);
});
