/** Shared setup for the push tests: a fake Hub, a token, and a log that is checked for secrets. */
import { afterEach, beforeEach, expect } from 'vitest';
import { FakeHub } from './fake-hub.js';
import type { PushOptions } from '../../src/hub/index.js';

export const TOKEN = 'hf_alice_token_0123456789';

export interface Harness {
  logs: string[];
  opts(extra: Partial<PushOptions> & Pick<PushOptions, 'dir' | 'repo'>): PushOptions;
}

export function harness(hub: FakeHub): Harness {
  const logs: string[] = [];
  return {
    logs,
    opts: (extra) => ({ hubUrl: hub.url, env: { HF_TOKEN: TOKEN }, useXet: false, log: (l) => logs.push(l), ...extra }),
  };
}

/** No request carries the token anywhere but its Authorization header; LFS storage PUTs carry none. */
export function expectNoTokenLeak(hub: FakeHub, logs: string[], token = TOKEN): void {
  for (const r of hub.requests) {
    expect(r.url).not.toContain(token);
    expect(r.body.includes(token)).toBe(false);
    for (const [k, v] of Object.entries(r.headers)) {
      if (k === 'authorization') expect(String(v)).toMatch(/^Bearer hf_\w+$/);
      else expect(String(v)).not.toContain(token);
    }
    if (r.method === 'PUT') expect(r.headers.authorization).toBeUndefined();
  }
  for (const l of logs) expect(l).not.toContain(token);
}

/** The `name` request paths, e.g. ['GET /api/whoami-v2', ...], for checking which calls a push made. */
export function calls(hub: FakeHub, from = 0): string[] {
  return hub.requests.slice(from).map((r) => `${r.method} ${new URL(r.url, 'http://x').pathname}`);
}

/**
 * A fresh fake Hub and harness for every test of the calling file, checked for token leaks after
 * each test; `set` receives them (the tests keep them in module variables).
 */
export function useFakeHub(set: (hub: FakeHub, h: Harness) => void | Promise<void>): void {
  let hub: FakeHub;
  let h: Harness;
  beforeEach(async () => {
    hub = await new FakeHub().start();
    h = harness(hub);
    await set(hub, h);
  });
  afterEach(async () => {
    expectNoTokenLeak(hub, h.logs);
    await hub.stop();
  });
}
