/**
 * Which rank of a sharded job this process is: `--num-shards N --shard-index I`, or the
 * environment of the engine that started it, so the same command line runs unchanged in
 *
 * - a Slurm job array (`sbatch --array=0-7`): SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT,
 *   minus SLURM_ARRAY_TASK_MIN (an array `--array=1-8` is ranks 0..7) and divided by
 *   SLURM_ARRAY_TASK_STEP (`--array=0-14:2` is ranks 0..7);
 * - a Kubernetes Indexed Job: JOB_COMPLETION_INDEX, with the count from --num-shards or
 *   SFTFORGE_NUM_SHARDS (the Job sets it to its `completions`; Kubernetes does not export it);
 * - anything else: SFTFORGE_SHARD_INDEX and SFTFORGE_NUM_SHARDS.
 *
 * Explicit flags win over the environment. SFTFORGE_SHARDING=off ignores the environment (a
 * command run inside an unrelated array job). A count that cannot be found is an error, never a
 * guess: a wrong count would silently drop or repeat records.
 */
import { UsageError } from '../core/errors.js';

export interface ShardSpec {
  /** 0-based rank. */
  index: number;
  /** Number of ranks (≥ 1). */
  count: number;
  /** Where the rank came from, for messages. */
  from: 'flags' | 'slurm' | 'kubernetes' | 'env';
}

export interface ShardFlags {
  numShards?: number;
  shardIndex?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The rank of this process, or undefined when the run is not sharded. */
export function resolveShard(flags: ShardFlags = {}, env: Env = process.env): ShardSpec | undefined {
  const useEnv = (env.SFTFORGE_SHARDING ?? '').toLowerCase() !== 'off';
  const fromEnv = useEnv ? envRank(env) : undefined;
  const { numShards, shardIndex } = flags;
  if (numShards === undefined && shardIndex === undefined && !fromEnv) return undefined;

  let index: number;
  let from: ShardSpec['from'];
  if (shardIndex !== undefined) {
    index = shardIndex;
    from = 'flags';
  } else if (fromEnv) {
    index = fromEnv.index;
    from = fromEnv.from;
  } else {
    throw new UsageError(
      `--num-shards ${numShards} was given but not which shard this process is`,
      'add --shard-index I (0-based), or run it as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX)',
    );
  }

  const count = numShards ?? fromEnv?.count;
  if (count === undefined) {
    const where = from === 'kubernetes' ? `JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX} (Kubernetes Indexed Job)` : from === 'flags' ? `--shard-index ${index}` : `shard index ${index} (${from})`;
    throw new UsageError(`${where} is set but the number of shards is not`, "pass --num-shards N, or set SFTFORGE_NUM_SHARDS=N in the environment (for an Indexed Job: the Job's completions)");
  }
  return checked({ index, count, from });
}

function checked(s: ShardSpec): ShardSpec {
  if (!Number.isInteger(s.count) || s.count < 1) throw new UsageError(`the number of shards must be a whole number ≥ 1, got ${s.count} (from ${s.from})`);
  if (!Number.isInteger(s.index) || s.index < 0 || s.index >= s.count) {
    throw new UsageError(`shard index ${s.index} (from ${s.from}) is outside 0..${s.count - 1} for ${s.count} shards`, 'shard indices are 0-based: --shard-index 0 .. N-1');
  }
  return s;
}

interface EnvRank {
  index: number;
  count?: number;
  from: ShardSpec['from'];
}

function envRank(env: Env): EnvRank | undefined {
  const sfCount = intEnv(env, 'SFTFORGE_NUM_SHARDS');
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') {
    const id = intEnv(env, 'SLURM_ARRAY_TASK_ID')!;
    const min = intEnv(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const step = intEnv(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    const offset = id - min;
    if (step < 1 || offset < 0 || offset % step !== 0) {
      throw new UsageError(
        `SLURM_ARRAY_TASK_ID=${id} does not fit the array (min ${min}, step ${step})`,
        'use a contiguous array such as --array=0-7 (or a constant step, --array=0-14:2), or pass --num-shards N --shard-index I',
      );
    }
    const count = intEnv(env, 'SLURM_ARRAY_TASK_COUNT') ?? sfCount;
    return { index: offset / step, count, from: 'slurm' };
  }
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
    return { index: intEnv(env, 'JOB_COMPLETION_INDEX')!, count: sfCount, from: 'kubernetes' };
  }
  if (env.SFTFORGE_SHARD_INDEX !== undefined && env.SFTFORGE_SHARD_INDEX !== '') {
    return { index: intEnv(env, 'SFTFORGE_SHARD_INDEX')!, count: sfCount, from: 'env' };
  }
  return undefined;
}

function intEnv(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name}=${JSON.stringify(v)} is not a whole number`);
  return n;
}

/** `rank-0000I-of-0000N`: the tag in every part's file name (sorts by rank). */
export function rankTag(s: Pick<ShardSpec, 'index' | 'count'>): string {
  return `rank-${pad5(s.index)}-of-${pad5(s.count)}`;
}

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}

/** "rank 2 of 8 (slurm)": for messages. */
export function describeShard(s: ShardSpec): string {
  return `rank ${s.index} of ${s.count}${s.from === 'flags' ? '' : ` (from ${s.from === 'env' ? 'SFTFORGE_SHARD_INDEX' : s.from})`}`;
}
