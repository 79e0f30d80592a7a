/**
 * Ordered batch map for the format stage: in this thread (workers ≤ 1) or over piscina worker
 * threads running src/format/worker.ts. At most 2 × workers batches are in flight (bounded memory)
 * and results come back in submission order, so the output does not depend on the worker count.
 * (src/exec/pool.ts does the same for synchronous work; tokenizing is asynchronous.)
 */
import { Piscina } from 'piscina';
import { workerFile } from '../exec/paths.js';

export interface BatchPoolOptions {
  workers: number;
  /** Passed to every worker call. */
  shared: unknown;
}

export async function* orderedBatches<T, R>(batches: AsyncIterable<T[]>, o: BatchPoolOptions, local: (batch: T[]) => Promise<R>): AsyncGenerator<R> {
  if (o.workers <= 1) {
    // Two batches in flight: one's JS work (render, mask, write) overlaps the other's tokenization,
    // which the Rust binding runs off the main thread.
    const inFlight: Promise<R>[] = [];
    try {
      for await (const b of batches) {
        const p = local(b);
        p.catch(() => undefined); // awaited below; this only keeps Node from calling it unhandled meanwhile
        inFlight.push(p);
        if (inFlight.length >= 2) yield await inFlight.shift()!;
      }
      while (inFlight.length) yield await inFlight.shift()!;
    } finally {
      await Promise.allSettled(inFlight);
    }
    return;
  }
  const pool = new Piscina({ filename: workerFile('format/worker'), name: 'format', minThreads: o.workers, maxThreads: o.workers, idleTimeout: 1000 });
  const window: Promise<R>[] = [];
  try {
    for await (const b of batches) {
      window.push(pool.run({ batch: b, shared: o.shared }, { name: 'format' }) as Promise<R>);
      if (window.length >= o.workers * 2) yield await window.shift()!;
    }
    while (window.length) yield await window.shift()!;
  } finally {
    await Promise.allSettled(window);
    await pool.destroy();
  }
}

/** Groups a stream into batches (shared with the clean pool). */
export { batchesOf } from '../exec/pool.js';
