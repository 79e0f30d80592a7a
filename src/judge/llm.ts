/**
 * One model behind an OpenAI-compatible server, as the judge stages use it: the generator's
 * ChatClient (retries, Retry-After, rate limits, budget, cost) behind the reply cache (journal,
 * exactly-once on resume), with at most `concurrency` requests in flight across the stage and a
 * request already in flight shared rather than sent twice.
 */
import { SftforgeError } from '../core/errors.js';
import type { Report } from '../core/report.js';
import { BudgetReached, type Budget } from '../generate/budget.js';
import { ChatClient, requestFingerprint, type Endpoint } from '../generate/client.js';
import type { GenerateConfig } from '../generate/config.js';
import type { RateLimiter } from '../generate/ratelimit.js';
import type { ChatMessage } from '../generate/types.js';
import type { CachedReply, ReplyCache } from './cache.js';

/** A counting semaphore: waiters are served in order. */
export class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export interface LlmShared {
  cache: ReplyCache;
  budget: Budget;
  limiter: RateLimiter;
  slots: Semaphore;
  request: GenerateConfig['request'];
  /** Retry and request counters of the client (requests_sent, retry_429, ...). */
  report: Report;
  /** Where the journal is, for messages. */
  journalPath?: string;
}

export class Llm {
  private readonly client: ChatClient;
  private readonly inflight = new Map<string, Promise<CachedReply>>();

  constructor(
    readonly endpoint: Endpoint,
    private readonly shared: LlmShared,
  ) {
    // The client is keyed by the generator's roles; every role here is this one endpoint.
    this.client = new ChatClient({
      endpoints: { user: endpoint, assistant: endpoint, openings: endpoint },
      request: shared.request,
      limiter: shared.limiter,
      budget: shared.budget,
      report: shared.report,
    });
  }

  /** The reply to `messages` with `seed`: from the journal when paid for before, else requested once. */
  async ask(messages: ChatMessage[], seed: number, signal?: AbortSignal): Promise<CachedReply> {
    // The server is part of the key: another server (another port) is another judge to ask.
    const key = requestFingerprint(`${this.endpoint.model}@${this.endpoint.baseURL}`, messages, seed);
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.fetch(key, messages, seed, signal).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async fetch(key: string, messages: ChatMessage[], seed: number, signal?: AbortSignal): Promise<CachedReply> {
    const hit = await this.shared.cache.get(key);
    if (hit) return hit;
    return this.shared.slots.run(async () => {
      let res;
      try {
        res = await this.client.complete('assistant', messages, seed, signal);
      } catch (e) {
        if (e instanceof BudgetReached) {
          throw new SftforgeError(
            `${e.message} (model ${this.endpoint.model})`,
            `raise the budget and rerun the same pipeline: replies already paid for are in ${this.shared.journalPath ?? 'memory only (set journal: to keep them)'} and are not requested again`,
          );
        }
        throw e;
      }
      const reply = { text: res.content, fin: res.finishReason };
      await this.shared.cache.put(key, this.endpoint.model, reply, res.usage);
      return reply;
    });
  }
}
