/**
 * A fake OpenAI-compatible server for the judge tests (node:http on 127.0.0.1, a random port).
 * The test decides every answer from the request; every request is logged with its headers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FakeRequest {
  n: number;
  model: string;
  messages: { role: string; content: string }[];
  seed?: number;
  temperature?: number;
  authorization?: string;
}

/** A reply text, or a raw HTTP answer (status, headers, body). */
export type FakeAnswer = string | { status: number; headers?: Record<string, string>; body?: string };

export interface FakeJudge {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeJudge(answer: (r: FakeRequest) => FakeAnswer | Promise<FakeAnswer>, o: { latencyMs?: (r: FakeRequest) => number } = {}): Promise<FakeJudge> {
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  let n = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<FakeRequest, 'n'>;
    const r: FakeRequest = { n: ++n, model: body.model, messages: body.messages, seed: body.seed, temperature: body.temperature, authorization: req.headers.authorization };
    requests.push(r);
    const wait = o.latencyMs?.(r) ?? 0;
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
    const a = await answer(r);
    if (typeof a !== 'string') {
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      return res.end(a.body ?? JSON.stringify({ error: { message: `fake ${a.status}` } }));
    }
    const text = JSON.stringify({
      id: `fake-${r.n}`,
      object: 'chat.completion',
      created: 0,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: a }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** The reply an Auto-J single prompt asks about. */
export function autojResponse(prompt: string): string {
  const m = /\n\[Response\]: ([\s\S]*)\n\*\*\*\n\[END DATA\]/.exec(prompt);
  if (!m) throw new Error('not an Auto-J single prompt');
  return m[1]!;
}

/** The two replies of an Auto-J pairwise prompt, in the order shown. */
export function autojPair(prompt: string): [string, string] {
  const m = /\n\[Response 1\]: ([\s\S]*)\n\*\*\*\n\[Response 2\]: ([\s\S]*)\n\*\*\*\n\[END DATA\]/.exec(prompt);
  if (!m) throw new Error('not an Auto-J pairwise prompt');
  return [m[1]!, m[2]!];
}

/** The last answer of an MT-bench single prompt (one- or multi-turn). */
export function mtbenchAnswer(prompt: string): string {
  const m =
    /\[The Start of Assistant's Answer\]\n([\s\S]*)\n\[The End of Assistant's Answer\]$/.exec(prompt) ?? /[\s\S]*### Assistant A:\n([\s\S]*?)\n\n<\|The End of Assistant A's Conversation/.exec(prompt);
  if (!m) throw new Error('not an MT-bench single prompt');
  return m[1]!;
}

/** The quality a test wrote into a reply as `q=7`, or undefined. */
export function qualityOf(text: string): string | undefined {
  return /q=([^\s]+)/.exec(text)?.[1];
}

/** An Auto-J-style critique ending with its rating line. */
export function autojVerdict(score: string): string {
  return `The response addresses the query but could be more specific in places.\n\nRating: [[${score}]]`;
}
