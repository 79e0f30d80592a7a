/**
 * Ordered batch map for the format stage: in this thread (workers ≤ 1) or over piscina worker
 * threads running src/format/worker.ts. At most 2 × workers batches are in flight (bounded memory)
 * and results come back in submission order, so the output does not depend on the worker count.
 * (src/exec/pool.ts does the same for synchronous work; tokenizing is asynchronous.)
 *
 * With `isolate`, a batch that kills its worker or fails is re-run one item at a time: the item
 * that fails alone becomes `isolate.crashed(item, error)` and the parts are merged back in order.
 */
import { isAbsolute } from 'node:path';
import { workerFile } from '../exec/paths.js';
import { describeCrash } from '../core/errors.js';
import type { RejectMarker, Conversation } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import type { MixedOut } from './batch.js';

export interface BatchIsolation<T, R> {
  /** The result standing for one item that fails on its own. */
  crashed(item: T, error: Error): R;
  /** One batch's result from its items' results, in order. */
  merge(parts: R[]): R;
}

export interface BatchPoolOptions<T = any, R = any> {
  workers: number;
  /** Passed to every worker call. */
  shared: unknown;
  /** Worker module (default `format/worker`, under src/ compiled to dist/; or an absolute path) and its export (default `format`). */
  module?: string;
  name?: string;
  /** Find and reject the item that crashes a worker instead of failing the run. */
  isolate?: BatchIsolation<T, R>;
  /** Time limit of one task, ms (none by default; counted from submission, see exec/pool.ts); a worker past it is ended and counts as crashed. */
  taskTimeoutMs?: number;
  /** In this thread (workers ≤ 1): batches in flight at once (default 2). */
  inflight?: number;
}

export async function* orderedBatches<T, R>(batches: AsyncIterable<T[]>, o: BatchPoolOptions<T, R>, local: (batch: T[]) => Promise<R>): AsyncGenerator<R> {
  const iso = o.isolate;
  const isolated = (run: (b: T[]) => Promise<R>) => {
    const go = (b: T[]): Promise<R> =>
      run(b).catch(async (e: unknown) => {
        if (!iso) throw e;
        if (b.length === 1) return iso.crashed(b[0]!, e instanceof Error ? e : new Error(String(e)));
        // One at a time, so a time limit counts each item's own run, not its batch-mates'.
        const parts: R[] = [];
        for (const x of b) parts.push(await go([x]));
        return iso.merge(parts);
      });
    return go;
  };
  if (o.workers <= 1) {
    // Several batches in flight: one's JS work (render, mask, write) overlaps the others'
    // tokenization, which the Rust binding runs off the main thread. With 3, two are still in the
    // encoder while this thread checks and writes the third (with 2 the encoder often held one).
    const depth = Math.max(1, o.inflight ?? 2);
    const inFlight: Promise<R>[] = [];
    const run = isolated(async (b) => local(b));
    try {
      for await (const b of batches) {
        const p = run(b);
        p.catch(() => undefined); // awaited below; this only keeps Node from calling it unhandled meanwhile
        inFlight.push(p);
        if (inFlight.length >= depth) yield await inFlight.shift()!;
      }
      while (inFlight.length) yield await inFlight.shift()!;
    } finally {
      await Promise.allSettled(inFlight);
    }
    return;
  }
  const name = o.name ?? 'format';
  const module = o.module ?? 'format/worker';
  // Loaded only for worker threads: the usual single-thread run does not pay for it at start.
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: isAbsolute(module) ? module : workerFile(module), name, minThreads: o.workers, maxThreads: o.workers, idleTimeout: 1000 });
  const run = isolated((b) => pool.run({ batch: b, shared: o.shared }, { name, ...(o.taskTimeoutMs !== undefined && { signal: AbortSignal.timeout(o.taskTimeoutMs) }) }) as Promise<R>);
  const window: Promise<R>[] = [];
  try {
    for await (const b of batches) {
      const p = run(b);
      p.catch(() => undefined);
      window.push(p);
      if (window.length >= o.workers * 2) yield await window.shift()!;
    }
    while (window.length) yield await window.shift()!;
  } finally {
    await Promise.allSettled(window);
    await pool.destroy();
  }
}

/** Isolation for the format stage's batches (`formatMixed`): a crashing record becomes a `worker_crash` reject. */
export const mixedIsolation: BatchIsolation<Conversation | RejectMarker, MixedOut> = {
  crashed(item, error) {
    if (isReject(item)) return { items: [{ reject: item }], counters: {} };
    const r = reject({ reason: 'worker_crash', detail: describeCrash(error), source: item.source, id: item.id, record: item });
    return { items: [{ reject: r }], counters: {} };
  },
  merge(parts) {
    const counters: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.counters)) counters[k] = (counters[k] ?? 0) + v;
    return { items: parts.flatMap((p) => p.items), counters };
  },
};

/** Groups a stream into batches (shared with the clean pool). */
export { batchesOf } from '../exec/pool.js';
