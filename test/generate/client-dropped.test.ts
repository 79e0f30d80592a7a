// A server that closes the connection in the middle of a response body: retried like a 5xx.
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Report } from '../../src/core/report.js';
import { Budget } from '../../src/generate/budget.js';
import { ChatClient, RequestFailed, connectionDropped, type Endpoint } from '../../src/generate/client.js';
import { RateLimiter } from '../../src/generate/ratelimit.js';

const BODY = JSON.stringify({
  id: 'c1',
  object: 'chat.completion',
  created: 0,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'the whole answer' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
});

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** Answers `drops` requests with the head and half the body, then destroys the socket; then answers whole. */
async function dropping(drops: number, how: 'destroy' | 'reset') {
  let n = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(BODY)) });
      if (n++ < drops) {
        res.write(BODY.slice(0, 40));
        setTimeout(() => (how === 'reset' ? res.socket?.resetAndDestroy() : res.socket?.destroy()), 10);
      } else res.end(BODY);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const ep: Endpoint = { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: 'm', apiKey: 'k', max_tokens: 16 };
  const report = new Report('t');
  const client = new ChatClient({
    endpoints: { user: ep, assistant: ep, openings: ep },
    request: { timeout_s: 5, max_retries: 3, backoff_base_ms: 5, backoff_max_ms: 20, max_retry_after_s: 5, send_seed: false },
    limiter: new RateLimiter(),
    budget: new Budget({}, {}),
    report,
    random: () => 0.5,
  });
  return { client, report, requests: () => n };
}

describe('ChatClient on a connection closed mid-body', () => {
  it('retries it (TypeError: terminated) and returns the next, whole answer', async () => {
    const { client, report, requests } = await dropping(2, 'destroy');
    const r = await client.complete('assistant', [{ role: 'user', content: 'hi' }], undefined);
    expect(r.content).toBe('the whole answer');
    expect(requests()).toBe(3);
    expect(report.counters.get('retry_connection')).toBe(2);
  });

  it('retries a reset (ECONNRESET) too, and fails with RequestFailed naming it once retries run out', async () => {
    const { client, report, requests } = await dropping(10, 'reset');
    const err = await client.complete('assistant', [{ role: 'user', content: 'hi' }], undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestFailed);
    expect((err as Error).message).toMatch(/failed 4 times; last: connection closed mid-response/);
    expect(requests()).toBe(4);
    expect(report.counters.get('retry_connection')).toBe(4);
  });

  it('recognises the dropped-connection shapes and nothing else', () => {
    expect(connectionDropped(Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } }))).toMatch(/terminated/);
    expect(connectionDropped(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatch(/ECONNRESET/);
    expect(connectionDropped(new Error('boom', { cause: new Error('read ECONNRESET') }))).toBeDefined();
    expect(connectionDropped(new TypeError('x is not a function'))).toBeUndefined();
    expect(connectionDropped(new RangeError('bad'))).toBeUndefined();
  });
});
