/**
 * A bounded async queue: the tee that feeds a branch. The producer waits while the queue holds
 * `highWater` items, so a slow branch slows the main line instead of filling memory.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly queue: T[] = [];
  private closed = false;
  private error: unknown;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly highWater = 256) {}

  async push(item: T): Promise<void> {
    if (this.error !== undefined) throw this.error;
    this.queue.push(item);
    this.wakeConsumer?.();
    while (this.queue.length >= this.highWater && this.error === undefined && !this.closed) {
      await new Promise<void>((r) => (this.wakeProducer = r));
    }
    if (this.error !== undefined) throw this.error;
  }

  close(): void {
    this.closed = true;
    this.wakeConsumer?.();
  }

  /** The consumer failed (or the run is aborted): the producer's next push throws `err`. */
  fail(err: unknown): void {
    this.error ??= err ?? new Error('branch failed');
    this.closed = true;
    this.wakeConsumer?.();
    this.wakeProducer?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.queue.length > 0) {
        const item = this.queue.shift()!;
        if (this.queue.length < this.highWater) this.wakeProducer?.();
        yield item;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((r) => (this.wakeConsumer = r));
      this.wakeConsumer = undefined;
    }
  }
}
