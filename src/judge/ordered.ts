/**
 * Concurrent work on a stream, yielded in input order: up to `window` records are in flight, the
 * output is the input order whatever the timing (deterministic output). Reject markers pass
 * through in place. The first failure stops the stream and aborts the rest.
 */
import { setMaxListeners } from 'node:events';
import type { Item } from '../core/stage.js';
import { isReject } from '../core/types.js';

export async function* mapOrdered<T>(input: AsyncIterable<Item>, window: number, signal: AbortSignal, fn: (rec: T, signal: AbortSignal) => Promise<Item>): AsyncGenerator<Item> {
  const ac = new AbortController();
  // Every request and backoff in flight listens on this signal: many, on purpose.
  setMaxListeners(0, ac.signal);
  const onAbort = () => ac.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const queue: Promise<Item>[] = [];
  try {
    for await (const item of input) {
      if (isReject(item)) queue.push(Promise.resolve(item));
      else {
        const p = fn(item as T, ac.signal);
        p.catch(() => undefined); // awaited in order below; this only silences the early warning
        queue.push(p);
      }
      while (queue.length >= window) yield await queue.shift()!;
    }
    while (queue.length > 0) yield await queue.shift()!;
  } finally {
    // Stopping early (an error, or the consumer returned): cancel what is still running.
    if (queue.length > 0) ac.abort(new Error('stream stopped'));
    signal.removeEventListener('abort', onAbort);
  }
}
