/**
 * `clean`: the per-record rules of a ShareGPT-style dump — HTML answers to Markdown, repairs
 * (leading assistant turn, trailing user turn, whitespace, UI artifacts) and the rules that reject
 * (alternation, empty or error turns, too short, too deep). The work runs on worker threads in
 * ordered batches, so the output is the same whatever the number of workers.
 */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import type { Item } from '../../core/stage.js';
import { remember } from '../../core/precomputed.js';
import { isReject, type Conversation, type RawRecord } from '../../core/types.js';
import { orderedMap } from '../../exec/pool.js';
import type { CleanedItem } from '../clean-batch.js';
import { crashedClean } from '../crash.js';
import type { CleanOptions } from '../clean-conversation.js';

const Options = z
  .object({
    /** Deepest HTML nesting accepted (reject `too_deep`). */
    max_depth: z.number().int().min(1).max(100_000).optional(),
    /** Fewest characters per conversation (reject `too_short`). */
    min_chars: z.number().int().min(0).optional(),
    /** Worker threads (default: the cores this process may use). */
    workers: z.number().int().min(1).max(256).optional(),
  })
  .strict();

export default defineStage({
  name: 'clean',
  description: 'HTML answers to Markdown, repairs, and the rules that reject (alternation, empty/error turns, too short, too deep)',
  kind: 'clean',
  options: Options,
  scope: 'record',
  raw: true,
  create(o) {
    const shared: CleanOptions = { maxDepth: o.max_depth, minChars: o.min_chars };
    return {
      name: 'clean',
      async *run(input, ctx) {
        const workers = o.workers ?? ctx.workers;
        // The HTML converter loads only on the thread that converts: here with one worker, else in the workers.
        const cleanBatch = workers <= 1 ? (await import('../clean-batch.js')).cleanBatch : undefined;
        const out = orderedMap<Item, CleanedItem>(
          input,
          // Small batches (~256 KB), 3 per worker in flight: a record lives on the main thread for
          // less than one young-generation cycle, so it is not promoted and the heap stays small
          // (1 MB batches, 2 per worker: peak RSS +45 MB at 100 MB of input), while each worker
          // still has work queued when the main thread is briefly off the CPU.
          {
            workers,
            module: 'clean/worker',
            name: 'clean',
            shared,
            batchItems: 64,
            batchBytes: 256 << 10,
            inFlight: 3 * workers,
            onCrash: (item, err) => crashedClean(item as RawRecord, err),
          },
          (batch, sh) => cleanBatch!(batch as RawRecord[], sh as CleanOptions),
          (r) => (isReject(r) ? 64 : ((r as RawRecord).text?.length ?? 1024)),
        );
        for await (const it of out) {
          if (it.repairs) for (const r of it.repairs) ctx.stats.repair(r);
          if (it.pre) remember(it.out as Conversation, it.pre);
          yield it.out;
        }
      },
    };
  },
});
