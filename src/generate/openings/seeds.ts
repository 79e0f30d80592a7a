/**
 * Seed requests (subtopics, questions, instructions, rewrites) run through the journal: a result
 * already journaled is reused, so rebuilding the openings after a crash costs no request; a new
 * one is requested (concurrently), parsed and journaled before it is used.
 */
import type { Report } from '../../core/report.js';
import type { ChatClient } from '../client.js';
import type { Journal } from '../journal.js';
import { StopRequested } from '../stop.js';
import { parseList, parseSingle, userMessage } from '../prompts.js';
import { seedFor } from '../rng.js';
import type { Usage } from '../types.js';

export interface SeedRequest {
  /** Stable name of the request, e.g. "world/q/3/12"; the journal is keyed by it. */
  key: string;
  prompt: string;
  /** Keep at most this many items. */
  max: number;
  /** The reply is one text (a rewrite), not a list. */
  single?: boolean;
}

export interface SeedState {
  /** Journaled results by key. */
  cache: Map<string, string[]>;
  /** Rejected attempts already journaled by key (so a resume does not resend them). */
  attempts: Map<string, number>;
}

export interface SeedRunnerOptions {
  client: ChatClient;
  journal: Journal;
  state: SeedState;
  report: Report;
  runSeed: number;
  concurrency: number;
  maxAttempts: number;
  /** Aborts requests in flight (a second Ctrl-C). */
  signal?: AbortSignal;
  /** Stop before the next request (a first Ctrl-C, the budget): in-flight ones still finish. */
  shouldStop?: () => boolean;
}

export class SeedRunner {
  constructor(private readonly o: SeedRunnerOptions) {}

  /** Results in the order of `reqs`. Cached ones cost nothing. */
  async run(reqs: readonly SeedRequest[]): Promise<string[][]> {
    const out: string[][] = new Array(reqs.length);
    const todo: number[] = [];
    reqs.forEach((r, i) => {
      const hit = this.o.state.cache.get(r.key);
      if (hit) out[i] = hit.slice(0, r.max);
      else todo.push(i);
    });
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < todo.length && !failed) {
        if (this.o.shouldStop?.()) throw new StopRequested();
        const i = todo[next++]!;
        try {
          out[i] = await this.one(reqs[i]!);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    // Settle every worker before failing, so nothing is still writing to the journal afterwards.
    const results = await Promise.allSettled(Array.from({ length: Math.min(this.o.concurrency, todo.length) }, worker));
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) throw bad.reason;
    return out;
  }

  private async one(r: SeedRequest): Promise<string[]> {
    const { client, journal, state, report } = this.o;
    let attempt = state.attempts.get(r.key) ?? 0;
    for (;;) {
      if (this.o.shouldStop?.()) throw new StopRequested();
      const res = await client.complete('openings', userMessage(r.prompt), seedFor(this.o.runSeed, 'seed', r.key, attempt), this.o.signal);
      let items: string[];
      if (r.single) {
        const s = res.finishReason === 'length' ? '' : parseSingle(res.content);
        items = s === '' ? [] : [s];
      } else {
        items = parseList(res.content);
        // A list cut by the token limit is kept minus its last, possibly partial, item.
        if (res.finishReason === 'length') items.pop();
      }
      items = items.slice(0, r.max);
      const u: Usage = res.usage;
      attempt++;
      if (items.length > 0 || attempt >= this.o.maxAttempts) {
        if (items.length === 0) report.count('seed_reply_unusable');
        await journal.append({ t: 'seed', k: r.key, items, u, rq: res.rq });
        state.cache.set(r.key, items);
        report.count('seed_requests');
        return items;
      }
      report.count('seed_reply_regenerated');
      await journal.append({ t: 'att', id: `seed:${r.key}`, i: 0, reason: 'empty_reply', u, rq: res.rq });
      state.attempts.set(r.key, attempt);
    }
  }
}
