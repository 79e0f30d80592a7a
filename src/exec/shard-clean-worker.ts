/** Worker-thread entry for a sharded `clean` rank: piscina calls `cleanShard` with one batch. */
import { cleanShardBatch, type Numbered, type ShardCleanShared } from './shard-clean-batch.js';

export function cleanShard({ batch, shared }: { batch: Numbered[]; shared: ShardCleanShared }) {
  return cleanShardBatch(batch, shared);
}
