/**
 * One JSON POST over node:http(s) with a keep-alive agent. It replaces the `openai` package's
 * fetch-based transport for chat completions: on Node 20 fetch (undici's WHATWG streams, Headers,
 * AbortSignal per request) plus the SDK cost ~0.75 ms of CPU a request, node:http ~0.28 ms, and at
 * hundreds of requests a second that difference decides whether generate keeps up with
 * concurrency ÷ latency (issue #16). Errors keep the shapes the retry logic in client.ts sorts.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpReply {
  status: number;
  headers: { get(name: string): string | null };
  body: string;
}

/** No response in time (head and body together). */
export class HttpTimeout extends Error {}

/** The connection failed before a response head arrived (refused, reset, DNS). */
export class HttpConnectionError extends Error {}

export class HttpTransport {
  // Keep-alive, no socket cap: one connection per request in flight, reused across requests.
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  /** POSTs `body` to `url`; resolves with any status (the caller decides), rejects on timeout, connection errors or `signal`. */
  post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<HttpReply> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const secure = url.protocol === 'https:';
    const data = Buffer.from(body);
    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      let head = false;
      const finish = (e: unknown, r?: HttpReply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (r) resolve(r);
        else {
          req.destroy();
          reject(e);
        }
      };
      const onAbort = () => finish(signal!.reason);
      const req = (secure ? https : http).request(
        url,
        { method: 'POST', agent: secure ? this.agents.https : this.agents.http, headers: { ...headers, 'content-length': String(data.length) } },
        (res) => {
          head = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          // A body cut short (socket closed before content-length) surfaces as 'aborted' / an error.
          res.on('aborted', () => finish(Object.assign(new Error('terminated'), { code: 'ECONNRESET' })));
          res.on('error', (e) => finish(e));
          res.on('end', () => {
            if (!res.complete) return finish(Object.assign(new Error('terminated'), { code: 'ECONNRESET' }));
            const h = res.headers;
            finish(undefined, {
              status: res.statusCode ?? 0,
              headers: { get: (n) => (Array.isArray(h[n.toLowerCase()]) ? (h[n.toLowerCase()] as string[]).join(', ') : ((h[n.toLowerCase()] as string | undefined) ?? null)) },
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.on('error', (e) => finish(head ? e : new HttpConnectionError(e.message, { cause: e })));
      const timer = setTimeout(() => finish(new HttpTimeout(`no response within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(data);
    });
  }
}
