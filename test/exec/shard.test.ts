import { describe, expect, it } from 'vitest';
import { describeShard, rankTag, resolveShard } from '../../src/exec/shard.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completedRank, describeFiles, findJob, markerPath, partPath, readMarker, stemOf, writeMarker, type RankMarker } from '../../src/exec/shard-files.js';
import { tempDir } from '../helpers/paths.js';
import { rankShare } from '../../src/generate/run-rank.js';

describe('resolveShard: flags and engine environments', () => {
  it('is undefined without flags or environment', () => {
    expect(resolveShard({}, {})).toBeUndefined();
  });

  it('takes explicit flags', () => {
    expect(resolveShard({ numShards: 4, shardIndex: 3 }, {})).toEqual({ index: 3, count: 4, from: 'flags' });
  });

  it('maps a Slurm job array, minding SLURM_ARRAY_TASK_MIN (an array 1-8 is ranks 0..7)', () => {
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '7' })).toEqual({ index: 0, count: 8, from: 'slurm' });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '8' })).toEqual({ index: 7, count: 8, from: 'slurm' });
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '101', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '100' })).toEqual({ index: 1, count: 3, from: 'slurm' });
  });

  it('maps a Slurm array with a step (--array=0-14:2 is ranks 0..7)', () => {
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '6', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' })).toMatchObject({ index: 3, count: 8 });
    expect(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' })).toThrow(/does not fit the array/);
  });

  it('maps a Kubernetes Indexed Job, with the count from SFTFORGE_NUM_SHARDS or --num-shards', () => {
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: '2', SFTFORGE_NUM_SHARDS: '5' })).toEqual({ index: 2, count: 5, from: 'kubernetes' });
    expect(resolveShard({ numShards: 5 }, { JOB_COMPLETION_INDEX: '4' })).toEqual({ index: 4, count: 5, from: 'kubernetes' });
  });

  it('says clearly when the count is missing', () => {
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: '2' })).toThrow(
      /JOB_COMPLETION_INDEX=2 \(Kubernetes Indexed Job\) is set but the number of shards is not[\s\S]*--num-shards N[\s\S]*SFTFORGE_NUM_SHARDS/,
    );
    expect(() => resolveShard({ shardIndex: 1 }, {})).toThrow(/--shard-index 1 is set but the number of shards is not/);
    expect(() => resolveShard({ numShards: 3 }, {})).toThrow(/--num-shards 3 was given but not which shard/);
  });

  it('lets explicit flags win over the environment', () => {
    expect(resolveShard({ numShards: 2, shardIndex: 1 }, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '8' })).toEqual({ index: 1, count: 2, from: 'flags' });
    expect(resolveShard({ numShards: 10 }, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '8' })).toEqual({ index: 5, count: 10, from: 'slurm' });
  });

  it('ignores the environment with SFTFORGE_SHARDING=off, and falls back to SFTFORGE_SHARD_INDEX', () => {
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', SFTFORGE_SHARDING: 'off' })).toBeUndefined();
    expect(resolveShard({}, { SFTFORGE_SHARD_INDEX: '0', SFTFORGE_NUM_SHARDS: '1' })).toEqual({ index: 0, count: 1, from: 'env' });
  });

  it('rejects an index outside the count and non-numbers', () => {
    expect(() => resolveShard({ numShards: 3, shardIndex: 3 }, {})).toThrow(/shard index 3 \(from flags\) is outside 0..2/);
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: 'x', SFTFORGE_NUM_SHARDS: '2' })).toThrow(/JOB_COMPLETION_INDEX="x" is not a whole number/);
    expect(() => resolveShard({ numShards: 0, shardIndex: 0 }, {})).toThrow(/whole number ≥ 1/);
  });
});

describe('rank file names', () => {
  it('tags files and folders with the rank, and the marker beside them', () => {
    const s = { index: 2, count: 8 };
    expect(rankTag(s)).toBe('rank-00002-of-00008');
    expect(partPath('out/clean.jsonl', s)).toBe('out/clean.rank-00002-of-00008.jsonl');
    expect(partPath('out/stats.json', s)).toBe('out/stats.rank-00002-of-00008.json');
    expect(partPath('out/dataset/', s)).toBe('out/dataset.rank-00002-of-00008');
    expect(markerPath('out/clean.jsonl', s)).toBe('out/clean.rank-00002-of-00008.done.json');
    expect(markerPath('out/dataset', s)).toBe('out/dataset.rank-00002-of-00008.done.json');
    expect(stemOf('out/x.JSONL')).toBe('out/x');
    expect(describeShard({ index: 1, count: 4, from: 'slurm' })).toBe('rank 1 of 4 (from slurm)');
  });
});

describe('completion markers', () => {
  const marker = (dir: string, index: number, count: number, fingerprint = 'f1'): RankMarker => ({
    sftforge_rank: 1,
    stage: 'pipeline',
    output: join(dir, 'c.jsonl'),
    index,
    count,
    fingerprint,
    files: [],
    job: {},
  });

  it('records each file with its size and sha256, and reads back what it wrote', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.rank-00000-of-00002.part.jsonl'), 'abc');
    const m = markerPath(join(dir, 'c.jsonl'), { index: 0, count: 2 });
    const files = await describeFiles([{ role: 'part', path: join(dir, 'c.rank-00000-of-00002.part.jsonl') }], m);
    // sha256("abc"), the FIPS 180-2 test vector.
    expect(files).toEqual([{ role: 'part', path: 'c.rank-00000-of-00002.part.jsonl', bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' }]);
    await writeMarker(m, { ...marker(dir, 0, 2), files });
    expect((await readMarker(m)).files).toEqual(files);
    writeFileSync(join(dir, 'x.rank-00000-of-00001.done.json'), '{"not":"a marker"}');
    await expect(readMarker(join(dir, 'x.rank-00000-of-00001.done.json'))).rejects.toThrow(/not a sftforge rank marker/);
  });

  it('a finished rank of the same job is skipped; one of another job is refused, not overwritten', async () => {
    const dir = tempDir();
    const m = markerPath(join(dir, 'c.jsonl'), { index: 1, count: 2 });
    const s = { index: 1, count: 2, from: 'flags' as const };
    expect(await completedRank(m, 'f1', 'pipeline', s)).toBeUndefined();
    await writeMarker(m, marker(dir, 1, 2));
    expect(await completedRank(m, 'f1', 'pipeline', s)).toMatchObject({ index: 1, fingerprint: 'f1' });
    await expect(completedRank(m, 'f2', 'pipeline', s)).rejects.toThrow(/is from a run with other inputs or options/);
  });

  it('finds a job by its output or its folder, and lists the ranks that have not finished', async () => {
    const dir = tempDir();
    await writeMarker(markerPath(join(dir, 'c.jsonl'), { index: 2, count: 3 }), marker(dir, 2, 3));
    for (const p of [join(dir, 'c.jsonl'), dir]) {
      const job = await findJob(p);
      expect(job.stem).toBe(join(dir, 'c'));
      expect(job.count).toBe(3);
      expect(job.markers.map((x) => x !== undefined)).toEqual([false, false, true]);
    }
    await expect(findJob(join(dir, 'other.jsonl'))).rejects.toThrow(/no rank markers for .*other\.jsonl/);
    await writeMarker(markerPath(join(dir, 'c.jsonl'), { index: 0, count: 4 }), marker(dir, 0, 4));
    await expect(findJob(join(dir, 'c.jsonl'))).rejects.toThrow(/different shard counts \(3, 4\)|different shard counts \(4, 3\)/);
    await writeMarker(markerPath(join(dir, 'd.jsonl'), { index: 0, count: 1 }), marker(dir, 0, 1));
    await expect(findJob(dir)).rejects.toThrow(/holds the parts of 2 jobs/);
  });
});

describe('generate: dialogues per rank', () => {
  it('gives rank i the indices ≡ i (mod n) below the count', () => {
    for (const [w, n] of [
      [10, 3],
      [2, 5],
      [0, 2],
      [9, 3],
    ] as const) {
      const shares = Array.from({ length: n }, (_, i) => rankShare(w, i, n));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(w);
      shares.forEach((s, i) => expect(s).toBe(Array.from({ length: w }, (_, j) => j).filter((j) => j % n === i).length));
    }
  });
});
