/** Shared setup for the push tests: a fake Hub, a token, and a log that is checked for secrets. */
import { expect } from 'vitest';
import type { FakeHub } from './fake-hub.js';
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
