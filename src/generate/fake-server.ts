/**
 * A fake OpenAI-compatible server (node:http, 127.0.0.1 only) for tests and benchmarks: replies
 * are derived from the request (model, messages, seed), so the same request always gets the same
 * reply, with `usage` filled in; faults can be injected per request (429 with Retry-After, 500,
 * a hang past the timeout, malformed JSON, empty content, finish_reason "length", a refusal, a
 * thanks-only turn, a user turn answering like an assistant, 400). Every request is logged with
 * the same fingerprint the client journals, so a test can prove no completed turn was re-sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { requestFingerprint } from './client.js';
import { digest } from './rng.js';
import type { ChatMessage } from './types.js';

export type FakeFault = '429' | '500' | '400' | 'hang' | 'malformed' | 'empty' | 'length' | 'refusal' | 'politeness' | 'assistant_like';
export type FakeKind = 'list' | 'rewrite' | 'user' | 'assistant';

export interface FakeRequestInfo {
  /** 1-based arrival order. */
  n: number;
  rq: string;
  kind: FakeKind;
  model: string;
  seed: number | undefined;
  /** How many earlier requests had this same fingerprint (retries of one request). */
  repeat: number;
  messages: ChatMessage[];
}

export interface FakeFaultRule {
  fault: FakeFault;
  when: (r: FakeRequestInfo) => boolean;
  /** Fire at most this many times (default: every match). */
  times?: number;
  /** For 429/500: Retry-After in seconds, or retry-after-ms. */
  retryAfterS?: number;
  retryAfterMs?: number;
}

export interface FakeLogEntry {
  n: number;
  rq: string;
  kind: FakeKind;
  fault?: FakeFault;
}

export interface FakeServerOptions {
  latencyMs?: number;
  faults?: FakeFaultRule[];
  port?: number;
  /** Override list items (e.g. to produce duplicates): (request, item index) → text. */
  listItem?: (r: FakeRequestInfo, i: number) => string;
}

export interface FakeServer {
  url: string;
  log: FakeLogEntry[];
  close(): Promise<void>;
}

const WORDS = (
  'river mountain engine protein galaxy violin harvest ledger comet garden bridge signal market canvas ' +
  'theory orbit glacier lantern puzzle recipe voltage meadow archive compass falcon harbor crystal ' +
  'tundra velvet pepper quartz saddle timber walrus yogurt zephyr anchor beacon cactus dolphin ember ' +
  'fossil geyser hammock igloo jigsaw kernel lagoon magnet nectar oyster pebble quiver rocket sapphire ' +
  'tractor umbrella vortex wander xylem yacht zenith alloy barley cobalt dune enzyme fjord granite'
).split(' ');

/** Words picked by a hash: different requests get different, unrelated-looking texts. */
function words(seed: string, n: number): string {
  const out: string[] = [];
  let h = digest(seed, 64);
  for (let i = 0; i < n; i++) {
    if ((i * 3 + 3) * 2 > h.length) h = digest(h, 64);
    out.push(WORDS[parseInt(h.slice((i * 3) % 60, ((i * 3) % 60) + 3), 16) % WORDS.length]!);
  }
  return out.join(' ');
}

function kindOf(messages: ChatMessage[]): { kind: FakeKind; n: number } {
  const last = messages[messages.length - 1]?.content ?? '';
  const list = /numbered list of (\d+)/i.exec(last);
  if (list) return { kind: 'list', n: Number(list[1]) };
  if (/\nInstruction: /.test(last) && /rewrite/i.test(last)) return { kind: 'rewrite', n: 1 };
  if (/suppose you are the user/i.test(last)) return { kind: 'user', n: 1 };
  return { kind: 'assistant', n: 1 };
}

function replyFor(r: FakeRequestInfo, n: number, opts: FakeServerOptions): string {
  const key = `${r.rq}`;
  switch (r.kind) {
    case 'list':
      return Array.from({ length: n }, (_, i) => `${i + 1}. ${opts.listItem ? opts.listItem(r, i) : `What about the ${words(`${key}/${i}`, 5)} ${digest(`${key}/${i}`, 6)}?`}`).join('\n');
    case 'rewrite': {
      const ins = r.messages[r.messages.length - 1]!.content.split('\nInstruction: ')[1] ?? '';
      return `${ins.trim()} Make it about ${words(key, 3)}, in under 300 words.`;
    }
    case 'user':
      return `Interesting. Could you tell me more about ${words(key, 4)}? (${digest(key, 6)})`;
    case 'assistant':
      return `Here is what I know about ${words(key, 3)}.\n\n${words(`${key}/a`, 24)}.\n\nIn short: ${words(`${key}/b`, 8)} (${digest(key, 8)}).`;
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const log: FakeLogEntry[] = [];
  const seen = new Map<string, number>();
  const fired = new Map<FakeFaultRule, number>();
  const sockets = new Set<Socket>();
  let n = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return json(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    let body: { model?: string; messages?: ChatMessage[]; seed?: number };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return json(res, 400, { error: { message: 'invalid JSON body' } });
    }
    const messages = body.messages ?? [];
    const rq = requestFingerprint(body.model ?? '', messages, body.seed);
    const { kind, n: items } = kindOf(messages);
    const info: FakeRequestInfo = { n: ++n, rq, kind, model: body.model ?? '', seed: body.seed, repeat: seen.get(rq) ?? 0, messages };
    seen.set(rq, info.repeat + 1);
    const rule = opts.faults?.find((f) => (f.times === undefined || (fired.get(f) ?? 0) < f.times) && f.when(info));
    if (rule) fired.set(rule, (fired.get(rule) ?? 0) + 1);
    log.push({ n: info.n, rq, kind, ...(rule && { fault: rule.fault }) });
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    if (rule?.fault === 'hang') return; // never answered; the socket is destroyed on close()

    const err = (status: number, message: string) => {
      const h: Record<string, string> = {};
      if (rule?.retryAfterS !== undefined) h['retry-after'] = String(rule.retryAfterS);
      if (rule?.retryAfterMs !== undefined) h['retry-after-ms'] = String(rule.retryAfterMs);
      json(res, status, { error: { message, type: 'fake' } }, h);
    };
    if (rule?.fault === '429') return err(429, 'rate limited (fake)');
    if (rule?.fault === '500') return err(500, 'internal error (fake)');
    if (rule?.fault === '400') return err(400, 'bad request (fake)');
    if (rule?.fault === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"id":"chatcmpl-fake","choices":[{"message":');
    }
    let content = replyFor(info, items, opts);
    let finish = 'stop';
    if (rule?.fault === 'empty') content = '';
    if (rule?.fault === 'length') {
      content = content.slice(0, Math.ceil(content.length / 2));
      finish = 'length';
    }
    if (rule?.fault === 'refusal') content = "I'm sorry, but I can't help with that request.";
    if (rule?.fault === 'politeness') content = 'Thank you so much, that was really helpful!';
    if (rule?.fault === 'assistant_like') content = 'Sure, here are some ideas:\n1. One\n2. Two\n3. Three\n4. Four';
    const promptChars = messages.reduce((k, m) => k + m.content.length, 0);
    json(res, 200, {
      id: `chatcmpl-${rq}`,
      object: 'chat.completion',
      created: 0,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
      usage: { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil(promptChars / 4) + Math.ceil(content.length / 4) },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(e) } });
    });
  });
  server.keepAliveTimeout = 30000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
