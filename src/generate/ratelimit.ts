/**
 * Client-side rate limits (--rpm, --tpm) as token buckets, plus a shared pause: a 429 with
 * Retry-After holds every request, not just the one that got it, since the server's limit is
 * shared. Token cost is estimated before a request (prompt chars / 4 + max_tokens, as OpenAI
 * counts it) and settled with the server's `usage` afterwards.
 */

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A bucket refilled continuously at `perMinute`; holds at most `burstSeconds` worth. */
export class TokenBucket {
  private level: number;
  private last: number;
  readonly capacity: number;
  private readonly ratePerMs: number;
  /** Waiters are served in order so a big request is not starved by small ones. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    perMinute: number,
    private readonly clock: Clock = realClock,
    burstSeconds = 1,
  ) {
    if (!(perMinute > 0)) throw new RangeError(`a rate limit must be positive, got ${perMinute}`);
    this.ratePerMs = perMinute / 60000;
    this.capacity = Math.max(1, (perMinute * burstSeconds) / 60);
    this.level = this.capacity;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.level = Math.min(this.capacity, this.level + (now - this.last) * this.ratePerMs);
    this.last = now;
  }

  /**
   * Takes `n`, waiting as needed. A request bigger than the bucket waits for a full bucket and
   * leaves it in debt, which later requests wait out: the long-run rate still holds.
   */
  take(n: number, signal?: AbortSignal): Promise<void> {
    const run = async () => {
      for (;;) {
        this.refill();
        const need = Math.min(n, this.capacity);
        if (this.level >= need) {
          this.level -= n;
          return;
        }
        await this.clock.sleep((need - this.level) / this.ratePerMs, signal);
      }
    };
    const p = this.tail.then(run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** Returns (or charges) the difference between an estimate and the actual cost. */
  adjust(delta: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level + delta);
  }
}

export interface RateLimiterOptions {
  rpm?: number;
  tpm?: number;
  clock?: Clock;
}

export class RateLimiter {
  private readonly requests: TokenBucket | undefined;
  private readonly tokens: TokenBucket | undefined;
  private readonly clock: Clock;
  private pausedUntil = 0;

  constructor(opts: RateLimiterOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.requests = opts.rpm ? new TokenBucket(opts.rpm, this.clock) : undefined;
    // Tokens may burst a few seconds' worth: requests are large and uneven.
    this.tokens = opts.tpm ? new TokenBucket(opts.tpm, this.clock, 6) : undefined;
  }

  /** Waits for any shared pause, then for a request slot and `estTokens` tokens. */
  async acquire(estTokens: number, signal?: AbortSignal): Promise<void> {
    for (let wait = this.pausedUntil - this.clock.now(); wait > 0; wait = this.pausedUntil - this.clock.now()) {
      await this.clock.sleep(wait, signal);
    }
    await this.requests?.take(1, signal);
    await this.tokens?.take(estTokens, signal);
  }

  /** Settles a request's estimate against the server's usage. */
  settle(estTokens: number, actualTokens: number): void {
    this.tokens?.adjust(estTokens - actualTokens);
  }

  /** Holds every request until `ms` from now (a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }
}
