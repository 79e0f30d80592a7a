/**
 * Ordered parallel map over worker threads (piscina). Items are grouped into batches, at most
 * `inFlight` (default 2 × workers) batches are in flight (bounded memory), and results come back
 * in input order, so the output is byte-identical whatever the number of workers.
 *
 * A batch that kills its worker (out of memory, a crash, process.exit) or throws is re-run one
 * item at a time, in fresh workers, to find the item that does it; that item becomes `onCrash`'s
 * result (a `worker_crash` reject) and the other items come through in order. With
 * `taskTimeoutMs`, a task past it has its worker ended and counts as a crash (an endless loop).
 */
import type { Piscina as PiscinaPool } from 'piscina';
import { availableParallelism, cpus } from 'node:os';
import { isAbsolute } from 'node:path';
import { workerFile } from './paths.js';

export interface PoolOptions<T = any, R = any> {
  /** Worker threads; 1 (or less) runs `local` in this thread. */
  workers: number;
  /** Module under src/ (compiled to dist/) whose named export `name` maps a batch; or an absolute path to a worker file. */
  module: string;
  name: string;
  /** Data passed to every batch call (options). */
  shared?: unknown;
  /** Close a batch at this many items or this many bytes (sizeOf), whichever first. */
  batchItems?: number;
  batchBytes?: number;
  /** Batches in flight at most (default 2 × workers). */
  inFlight?: number;
  /** Old-generation heap cap per worker thread, MB. */
  workerHeapMb?: number;
  /**
   * The result for an item that crashes a worker (or makes the batch function throw) on its own.
   * Without it, such a failure fails the run as before.
   */
  onCrash?: (item: T, error: Error) => R[];
  /**
   * Time limit of one task (a batch, or one item when isolating), ms; none by default. Counted
   * from submission, so it includes waiting behind the ≤ 2 × workers batches in flight: make it
   * several times the slowest batch.
   */
  taskTimeoutMs?: number;
  /**
   * The main thread is one of the `workers`: it starts `workers - 1` threads and cleans a batch
   * itself whenever each thread already has `queuePerThread` batches waiting, so it never idles
   * while they work, and on a small input one thread's start-up and JIT warm-up are saved. A
   * batch run here has the isolation of `workers: 1` (a throw costs its record; out-of-memory
   * does not), so use it only where the limits keep a record from exhausting memory.
   */
  mainTakesPart?: boolean;
  /** Batches queued per thread before the main thread takes one (mainTakesPart; default 3). */
  queuePerThread?: number;
}

export { describeCrash } from '../core/errors.js';

/**
 * The cores this process may use: `availableParallelism` honours CPU affinity (Slurm, taskset,
 * docker --cpuset-cpus), where `cpus().length` counts the whole machine. CPU quotas (Kubernetes
 * limits) are not affinity: pass --workers there.
 */
export function defaultWorkers(): number {
  return Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
}

export async function* orderedMap<T, R>(input: AsyncIterable<T>, opts: PoolOptions<T, R>, local: (batch: T[], shared: unknown) => R[], sizeOf: (item: T) => number = () => 1): AsyncGenerator<R> {
  const maxItems = opts.batchItems ?? 256;
  const maxBytes = opts.batchBytes ?? 1 << 20;
  const batches = batchesOf(input, maxItems, maxBytes, sizeOf);
  const onCrash = opts.onCrash;
  const one = (b: T[]): R[] => {
    try {
      return local(b, opts.shared);
    } catch (e) {
      if (!onCrash) throw e;
      return b.length === 1 ? onCrash(b[0]!, asError(e)) : b.flatMap((x) => one([x]));
    }
  };
  const threads = opts.workers <= 1 ? 0 : opts.mainTakesPart ? opts.workers - 1 : opts.workers;
  if (threads < 1) {
    for await (const b of batches) yield* one(b);
    return;
  }
  const it = batches[Symbol.asyncIterator]();
  let first = await it.next();
  if (first.done) return;
  const window: Promise<R[]>[] = [];
  if (opts.mainTakesPart) {
    // A one-batch input is done here: no thread is started for it.
    const second = await it.next();
    if (second.done) {
      yield* one(first.value);
      return;
    }
    window.push(Promise.resolve(one(first.value)));
    first = second;
  }
  // The pool starts with the first batch it gets: an empty input starts no thread and loads no piscina.
  const { Piscina } = await import('piscina');
  // A worker's heap is capped so V8 collects instead of growing lazily: memory stays flat (the
  // cap is far above what one batch needs; see scripts/bench-clean.mjs for peak RSS). The young
  // generation is not the small one it was: its scavenges cost ~10% of clean's CPU (DECISIONS, Memory).
  const options = (threadCount: number, tasksPerThread: number) => ({
    filename: isAbsolute(opts.module) ? opts.module : workerFile(opts.module),
    name: opts.name,
    minThreads: threadCount,
    maxThreads: threadCount,
    concurrentTasksPerWorker: tasksPerThread,
    resourceLimits: { maxOldGenerationSizeMb: opts.workerHeapMb ?? 128, maxYoungGenerationSizeMb: 48 },
  });
  // With mainTakesPart, tasks queue in the thread itself, not in piscina's queue: while the main
  // thread cleans a batch it does not hand out the next task, and the thread would wait for it.
  const perThread = opts.queuePerThread ?? 3;
  const tasksPerThread = opts.mainTakesPart ? perThread + 1 : 1;
  const pool: PiscinaPool = new Piscina(options(threads, tasksPerThread));
  // A thread that dies fails every task queued in it. An item run alone to find the guilty one
  // must not share its thread, or a guilty neighbour would condemn it: those runs get one thread
  // with one task at a time (made when first needed).
  let alone: PiscinaPool | undefined = tasksPerThread === 1 ? pool : undefined;
  const task = (b: T[], isolated = false): Promise<R[]> => {
    const p = isolated ? (alone ??= new Piscina(options(1, 1))) : pool;
    return p.run({ batch: b, shared: opts.shared }, { name: opts.name, ...(opts.taskTimeoutMs !== undefined && { signal: AbortSignal.timeout(opts.taskTimeoutMs) }) }) as Promise<R[]>;
  };
  // Piscina replaces a dead worker; the items of a failed batch run alone so only the guilty one is lost.
  const run = (b: T[], isolated = false): Promise<R[]> =>
    task(b, isolated).catch(async (e: unknown) => {
      if (!onCrash) throw e;
      if (isolated || (b.length === 1 && tasksPerThread === 1)) return onCrash(b[0]!, asError(e));
      // One at a time: each item's time limit then counts only its own run (plus the batches
      // queued ahead of it), never its batch-mates'.
      const parts: R[][] = [];
      for (const x of b) parts.push(await run([x], true));
      return parts.flat();
    });
  const limit = Math.max(1, opts.inFlight ?? opts.workers * 2);
  const queueMax = threads * perThread;
  let queued = 0;
  try {
    for (let r: IteratorResult<T[]> = first; !r.done; r = await it.next()) {
      // The threads' finished tasks are messages: let them in before deciding the queues are full.
      if (opts.mainTakesPart && queued >= queueMax && (await new Promise(setImmediate), queued >= queueMax)) {
        window.push(Promise.resolve(one(r.value)));
      } else {
        queued++;
        const p = run(r.value).finally(() => queued--);
        p.catch(() => undefined); // awaited in order below; this keeps a later failure from being unhandled meanwhile
        window.push(p);
      }
      if (window.length >= limit) yield* await window.shift()!;
    }
    while (window.length) yield* await window.shift()!;
  } finally {
    // Settle what is in flight before tearing down, so no rejection goes unhandled.
    await Promise.allSettled(window);
    await pool.destroy();
    if (alone !== pool) await alone?.destroy();
    // Closes the input too when the consumer stopped early (what `for await` did on its own).
    await it.return?.(undefined);
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
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
