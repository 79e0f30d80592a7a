/**
 * The shard flags every shardable subcommand takes (clean, tokenize, stats, generate), parsed
 * here once so they read the same everywhere.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolveShard, type ShardSpec } from './shard.js';

function wholeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${v}" is not a whole number`);
  return n;
}

export function addShardOptions(cmd: Command): Command {
  return cmd
    .option('--num-shards <n>', 'split the job over N processes/machines (default: SLURM_ARRAY_TASK_COUNT or SFTFORGE_NUM_SHARDS when run as an array task); then `sftforge merge`', wholeNumber)
    .option('--shard-index <i>', 'which of the N this process is, 0-based (default: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, or JOB_COMPLETION_INDEX)', wholeNumber);
}

/** The rank from the parsed flags and the environment (undefined: not sharded). */
export function shardFromOptions(o: { numShards?: number; shardIndex?: number }, env: NodeJS.ProcessEnv = process.env): ShardSpec | undefined {
  return resolveShard({ numShards: o.numShards, shardIndex: o.shardIndex }, env);
}
