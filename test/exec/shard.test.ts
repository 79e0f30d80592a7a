import { describe, expect, it } from 'vitest';
import { describeShard, rankTag, resolveShard } from '../../src/exec/shard.js';
import { markerPath, partPath, stemOf } from '../../src/exec/shard-files.js';
import { rankShare } from '../../src/exec/shard-generate.js';

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
    expect(() => resolveShard({}, { JOB_COMPLETION_INDEX: '2' })).toThrow(/JOB_COMPLETION_INDEX=2 \(Kubernetes Indexed Job\) is set but the number of shards is not[\s\S]*--num-shards N[\s\S]*SFTFORGE_NUM_SHARDS/);
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

describe('generate: dialogues per rank', () => {
  it('gives rank i the indices ≡ i (mod n) below the count', () => {
    for (const [w, n] of [[10, 3], [2, 5], [0, 2], [9, 3]] as const) {
      const shares = Array.from({ length: n }, (_, i) => rankShare(w, i, n));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(w);
      shares.forEach((s, i) => expect(s).toBe(Array.from({ length: w }, (_, j) => j).filter((j) => j % n === i).length));
    }
  });
});
