import { afterEach, describe, expect, it } from 'vitest';
import { Report } from '../../src/core/report.js';
import { Budget, BudgetReached } from '../../src/generate/budget.js';
import { ChatClient, RequestFailed, retryAfter, type Endpoint } from '../../src/generate/client.js';
import { RateLimiter, TokenBucket, type Clock } from '../../src/generate/ratelimit.js';
import { startFakeServer, type FakeFaultRule, type FakeServer } from './fake-openai.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(faults: FakeFaultRule[], o: { timeoutS?: number; maxRetries?: number; budget?: Budget } = {}) {
  server = await startFakeServer({ faults });
  const ep: Endpoint = { baseURL: server.url, model: 'm', apiKey: 'k', max_tokens: 64 };
  const report = new Report('t');
  const budget = o.budget ?? new Budget({}, {});
  const client = new ChatClient({
    endpoints: { user: ep, assistant: ep, openings: ep },
    request: { timeout_s: o.timeoutS ?? 5, max_retries: o.maxRetries ?? 4, backoff_base_ms: 10, backoff_max_ms: 40, max_retry_after_s: 5, send_seed: true },
    limiter: new RateLimiter(),
    budget,
    report,
    random: () => 0.5,
  });
  return { client, report, budget };
}

const ask = (c: ChatClient, seed = 1) => c.complete('assistant', [{ role: 'user', content: 'hello' }], seed);

describe('ChatClient retries', () => {
  it('honours Retry-After (seconds) on 429 and counts the retry', async () => {
    const { client, report } = await setup([{ fault: '429', when: (r) => r.repeat === 0, retryAfterS: 1 }]);
    const t0 = performance.now();
    const r = await ask(client);
    const waited = performance.now() - t0;
    expect(r.content).toMatch(/^Here is what I know/);
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(waited).toBeLessThan(1500);
    expect(report.counters.get('retry_429')).toBe(1);
    expect(server!.log.map((l) => l.fault ?? 'ok')).toEqual(['429', 'ok']);
    expect(server!.log[0]!.rq).toBe(server!.log[1]!.rq);
  });

  it('honours retry-after-ms and backs off exponentially on 500s', async () => {
    const { client, report } = await setup([
      { fault: '429', when: (r) => r.repeat === 0, retryAfterMs: 300 },
      { fault: '500', when: (r) => r.repeat >= 1 && r.repeat <= 3 },
    ]);
    const t0 = performance.now();
    await ask(client);
    const waited = performance.now() - t0;
    // 300 ms (+ up to 10% jitter) then backoffs of 7.5, 15, 30 ms (equal jitter at 0.5 of 10, 20, 40).
    expect(waited).toBeGreaterThanOrEqual(300 + 7.5 + 15 + 30 - 5);
    expect(report.counters.get('retry_429')).toBe(1);
    expect(report.counters.get('retry_5xx')).toBe(3);
  });

  it('retries a hang past the timeout, malformed JSON, and counts each', async () => {
    const { client, report } = await setup(
      [
        { fault: 'hang', when: (r) => r.repeat === 0 },
        { fault: 'malformed', when: (r) => r.repeat === 1 },
      ],
      { timeoutS: 0.3 },
    );
    const r = await ask(client);
    expect(r.usage.requests).toBe(1);
    expect(report.counters.get('retry_timeout')).toBe(1);
    expect(report.counters.get('retry_malformed')).toBe(1);
    expect(server!.log.map((l) => l.fault ?? 'ok')).toEqual(['hang', 'malformed', 'ok']);
  });

  it('gives up after max_retries with a RequestFailed naming the server', async () => {
    const { client, report } = await setup([{ fault: '500', when: () => true }], { maxRetries: 2 });
    await expect(ask(client)).rejects.toThrow(RequestFailed);
    await expect(ask(client)).rejects.toThrow(/failed 3 times; last: 500/);
    expect(report.counters.get('retry_5xx')).toBe(6);
  });

  it('does not retry a 400 (a wrong model or request will not fix itself)', async () => {
    const { client, report } = await setup([{ fault: '400', when: () => true }]);
    await expect(ask(client)).rejects.toThrow(/refused a request for model m: 400/);
    expect(server!.log).toHaveLength(1);
    expect(report.counters.get('requests_sent')).toBe(1);
  });

  it('returns empty and length-cut replies as they are (the dialogue rules decide)', async () => {
    const { client } = await setup([
      { fault: 'empty', when: (r) => r.seed === 1 },
      { fault: 'length', when: (r) => r.seed === 2 },
    ]);
    expect((await ask(client, 1)).content).toBe('');
    expect((await ask(client, 2)).finishReason).toBe('length');
  });

  it('accounts usage from the server and stops before a request once the budget is reached', async () => {
    const budget = new Budget({ maxRequests: 2 }, { m: { input_per_mtok: 1, output_per_mtok: 2 } });
    const { client } = await setup([], { budget });
    const a = await ask(client, 1);
    const b = await ask(client, 2);
    expect(a.usage.prompt_tokens).toBe(Math.ceil('hello'.length / 4));
    expect(budget.total.requests).toBe(2);
    expect(budget.total.completion_tokens).toBe(a.usage.completion_tokens + b.usage.completion_tokens);
    expect(budget.cost).toBeCloseTo((budget.total.prompt_tokens * 1 + budget.total.completion_tokens * 2) / 1e6, 12);
    await expect(ask(client, 3)).rejects.toThrow(BudgetReached);
    expect(server!.log).toHaveLength(2);
  });
});

describe('retryAfter', () => {
  const h = (m: Record<string, string>) => ({ get: (k: string) => m[k] ?? null });
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(retryAfter(h({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfter(h({ 'retry-after': '2' }))).toBe(2000);
    const d = retryAfter(h({ 'retry-after': new Date(Date.now() + 3000).toUTCString() }))!;
    expect(d).toBeGreaterThan(1000);
    expect(d).toBeLessThanOrEqual(3000);
    expect(retryAfter(h({}))).toBeUndefined();
  });
});

describe('token buckets', () => {
  function fakeClock(): Clock & { t: number } {
    const c = {
      t: 0,
      now: () => c.t,
      sleep: async (ms: number) => {
        c.t += ms;
      },
    };
    return c;
  }

  it('holds --rpm over a minute', async () => {
    const clock = fakeClock();
    const b = new TokenBucket(120, clock); // 2 per second, burst of 2
    for (let i = 0; i < 122; i++) await b.take(1);
    // 2 free at the start, then 120 more at 2/s: one minute.
    expect(clock.t).toBeGreaterThanOrEqual(59_999);
    expect(clock.t).toBeLessThanOrEqual(60_001);
  });

  it('lets a request bigger than the bucket through, then makes the next wait its debt', async () => {
    const clock = fakeClock();
    const b = new TokenBucket(600, clock); // 10/s, capacity 10
    await b.take(30); // waits nothing (bucket full), leaves -20
    expect(clock.t).toBe(0);
    await b.take(10); // needs 10 from -20: 3 s
    expect(clock.t).toBeCloseTo(3000, 6);
  });

  it('settles a token estimate against actual usage', async () => {
    const clock = fakeClock();
    const lim = new RateLimiter({ tpm: 600, clock }); // 10 tokens/s, capacity 60 (6 s)
    await lim.acquire(60);
    lim.settle(60, 10); // 50 refunded
    await lim.acquire(50);
    expect(clock.t).toBe(0);
    await lim.acquire(10);
    expect(clock.t).toBeCloseTo(1000, 6);
  });

  it('a 429 pause holds every request', async () => {
    const clock = fakeClock();
    const lim = new RateLimiter({ clock });
    lim.pause(2500);
    await lim.acquire(1);
    expect(clock.t).toBe(2500);
  });
});
