/**
 * Ordered parallel map over worker threads (piscina). Items are grouped into batches, at most
 * `2 × workers` batches are in flight (bounded memory), and results come back in input order, so
 * the output is byte-identical whatever the number of workers.
 */
import { Piscina } from 'piscina';
import { availableParallelism, cpus } from 'node:os';
import { workerFile } from './paths.js';

export interface PoolOptions {
  /** Worker threads; 1 (or less) runs `local` in this thread. */
  workers: number;
  /** Module under src/ (compiled to dist/) whose named export `name` maps a batch. */
  module: string;
  name: string;
  /** Data passed to every batch call (options). */
  shared?: unknown;
  /** Close a batch at this many items or this many bytes (sizeOf), whichever first. */
  batchItems?: number;
  batchBytes?: number;
  /** Old-generation heap cap per worker thread, MB. */
  workerHeapMb?: number;
}

/**
 * The cores this process may use: `availableParallelism` honours CPU affinity (Slurm, taskset,
 * docker --cpuset-cpus), where `cpus().length` counts the whole machine. CPU quotas (Kubernetes
 * limits) are not affinity: pass --workers there.
 */
export function defaultWorkers(): number {
  return Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
}

export async function* orderedMap<T, R>(
  input: AsyncIterable<T>,
  opts: PoolOptions,
  local: (batch: T[], shared: unknown) => R[],
  sizeOf: (item: T) => number = () => 1,
): AsyncGenerator<R> {
  const maxItems = opts.batchItems ?? 256;
  const maxBytes = opts.batchBytes ?? 1 << 20;
  const batches = batchesOf(input, maxItems, maxBytes, sizeOf);
  if (opts.workers <= 1) {
    for await (const b of batches) yield* local(b, opts.shared);
    return;
  }
  // A worker's heap is capped so V8 collects instead of growing lazily: memory stays flat (the
  // cap is far above what one batch needs; see scripts/bench-clean.mjs for peak RSS).
  const pool = new Piscina({
    filename: workerFile(opts.module),
    name: opts.name,
    minThreads: opts.workers,
    maxThreads: opts.workers,
    resourceLimits: { maxOldGenerationSizeMb: opts.workerHeapMb ?? 128, maxYoungGenerationSizeMb: 16 },
  });
  const window: Promise<R[]>[] = [];
  const limit = opts.workers * 2;
  try {
    for await (const b of batches) {
      window.push(pool.run({ batch: b, shared: opts.shared }, { name: opts.name }) as Promise<R[]>);
      if (window.length >= limit) yield* await window.shift()!;
    }
    while (window.length) yield* await window.shift()!;
  } finally {
    // Settle what is in flight before tearing down, so no rejection goes unhandled.
    await Promise.allSettled(window);
    await pool.destroy();
  }
}

/** Groups a stream into batches of at most `maxItems` items or `maxBytes` of sizeOf, whichever first. */
export async function* batchesOf<T>(input: AsyncIterable<T>, maxItems: number, maxBytes: number, sizeOf: (item: T) => number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for await (const item of input) {
    batch.push(item);
    bytes += sizeOf(item);
    if (batch.length >= maxItems || bytes >= maxBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) yield batch;
}
