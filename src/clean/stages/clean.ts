/**
 * `clean`: the per-record rules of a ShareGPT-style dump — HTML answers to Markdown, repairs
 * (leading assistant turn, trailing user turn, whitespace, UI artifacts) and the rules that reject
 * (alternation, empty or error turns, too short, too deep). The work runs on worker threads in
 * ordered batches, so the output is the same whatever the number of workers.
 */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import type { Item } from '../../core/stage.js';
import { prepend } from '../../core/iter.js';
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
        // The HTML converter loads with the first record: an empty input does not pay for it.
        const records = input[Symbol.asyncIterator]();
        const first = await records.next();
        if (first.done) return;
        const workers = o.workers ?? (ctx.workersGiven ? ctx.workers : threadsFor(ctx.inputBytes?.(), ctx.worldSize, ctx.workers));
        const { cleanBatch } = await import('../clean-batch.js');
        const out = orderedMap<Item, CleanedItem>(
          prepend(first.value, records),
          // Small batches (~256 KB), a few per thread in flight: a record lives on the main thread
          // for less than one young-generation cycle, so it is not promoted and the heap stays
          // small (1 MB batches: peak RSS +45 MB at 100 MB of input), while each thread still has
          // work queued when the main thread is cleaning a batch of its own.
          {
            workers,
            module: 'clean/worker',
            name: 'clean',
            shared,
            batchItems: 64,
            batchBytes: 256 << 10,
            inFlight: 4 + 4 * workers,
            // The main thread reads, writes and cleans what the other threads leave: on two
            // cores, one more thread would only contend with it (and warm up its own JIT).
            mainTakesPart: true,
            onCrash: (item, err) => crashedClean(item as RawRecord, err),
          },
          (batch, sh) => cleanBatch(batch as RawRecord[], sh as CleanOptions),
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

/**
 * Below ONE_THREAD_BELOW bytes per rank, one thread: another thread's start-up and JIT warm-up
 * (~0.8 s of CPU here) cost more than it saves (measured break-even: ~25 MB of ShareGPT HTML on
 * 2 cores; docs/BENCHMARKS.md). An input of unknown size (stdin) gets every core.
 */
export const ONE_THREAD_BELOW = 24e6;

export function threadsFor(inputBytes: number | undefined, ranks: number, cores: number): number {
  return inputBytes !== undefined && inputBytes / ranks < ONE_THREAD_BELOW ? 1 : cores;
}
