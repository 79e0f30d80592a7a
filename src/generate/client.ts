/**
 * Chat completions against any OpenAI-compatible server (vLLM, Ollama, OpenAI, ...): a JSON POST
 * to BASE/chat/completions over node:http(s) (./http.ts; the `openai` package's fetch transport
 * cost 2-3x the CPU a request), with retries done here, so every retry is counted and testable: 429 (honouring Retry-After / retry-after-ms), 5xx, 408/409,
 * timeouts, connection errors and malformed JSON are retried with exponential backoff and jitter;
 * any other 4xx stops the run (a wrong model name or key will not fix itself).
 */
import { SftforgeError } from '../core/errors.js';
import type { Report } from '../core/report.js';
import type { Budget } from './budget.js';
import type { GenerateConfig } from './config.js';
import { realClock, type Clock, type RateLimiter } from './ratelimit.js';
import { HttpConnectionError, HttpTimeout, HttpTransport, type HttpReply } from './http.js';
import { digest } from './rng.js';
import type { ChatMessage, ModelRole, Usage } from './types.js';

export interface Endpoint {
  baseURL: string;
  model: string;
  /** Read from the environment by the caller; never logged or written. */
  apiKey: string;
  temperature?: number;
  top_p?: number;
  max_tokens: number;
  max_tokens_param?: 'max_tokens' | 'max_completion_tokens';
  system?: string;
  extra?: Record<string, unknown>;
}

export interface ChatResult {
  content: string;
  finishReason: string | null;
  usage: Usage;
  model: string;
  /** Fingerprint of the request (model, messages, seed): the fake server logs the same value. */
  rq: string;
}

/** A request that failed for good (retries exhausted, or an error retrying cannot fix). */
export class RequestFailed extends SftforgeError {}

/** The identity of a request, computed the same way by the client and the test server. */
export function requestFingerprint(model: string, messages: readonly ChatMessage[], seed: number | undefined): string {
  return digest(JSON.stringify([model, messages.map((m) => [m.role, m.content]), seed ?? null]), 24);
}

export interface ChatClientOptions {
  endpoints: Record<ModelRole, Endpoint>;
  request: GenerateConfig['request'];
  limiter: RateLimiter;
  budget: Budget;
  report: Report;
  clock?: Clock;
  /** Jitter source; randomness here only affects timing, never outputs. */
  random?: () => number;
}

type RetryKind = 'retry_429' | 'retry_5xx' | 'retry_timeout' | 'retry_connection' | 'retry_malformed';

export class ChatClient {
  private readonly http = new HttpTransport();
  /** Per endpoint: its URL and headers, built once. */
  private readonly targets = new Map<Endpoint, { url: URL; headers: Record<string, string> }>();
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly opts: ChatClientOptions) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
  }

  endpoint(role: ModelRole): Endpoint {
    return this.opts.endpoints[role];
  }

  private target(ep: Endpoint): { url: URL; headers: Record<string, string> } {
    let t = this.targets.get(ep);
    if (!t) {
      const env = process.env;
      // The headers the openai package sent that a server may rely on (organization and project too).
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${ep.apiKey}`, 'user-agent': 'sftforge' };
      if (env.OPENAI_ORG_ID) headers['openai-organization'] = env.OPENAI_ORG_ID;
      if (env.OPENAI_PROJECT_ID) headers['openai-project'] = env.OPENAI_PROJECT_ID;
      t = { url: new URL(`${ep.baseURL.replace(/\/+$/, '')}/chat/completions`), headers };
      this.targets.set(ep, t);
    }
    return t;
  }

  /** One chat completion, retried on transient failures. Throws BudgetReached, RequestFailed, or the abort reason. */
  async complete(role: ModelRole, messages: ChatMessage[], seed: number | undefined, signal?: AbortSignal): Promise<ChatResult> {
    const ep = this.opts.endpoints[role];
    const req = this.opts.request;
    const all: ChatMessage[] = ep.system ? [{ role: 'system', content: ep.system }, ...messages] : messages;
    const sendSeed = req.send_seed ? seed : undefined;
    const rq = requestFingerprint(ep.model, all, sendSeed);
    const body = {
      ...ep.extra,
      model: ep.model,
      messages: all,
      [ep.max_tokens_param ?? 'max_tokens']: ep.max_tokens,
      ...(ep.temperature !== undefined && { temperature: ep.temperature }),
      ...(ep.top_p !== undefined && { top_p: ep.top_p }),
      ...(sendSeed !== undefined && { seed: sendSeed }),
    };
    const text = JSON.stringify(body);
    const promptChars = all.reduce((n, m) => n + m.content.length, 0);
    const est = Math.ceil(promptChars / 4) + ep.max_tokens;
    this.opts.budget.check();
    for (let attempt = 0; ; attempt++) {
      await this.opts.limiter.acquire(est, signal);
      this.opts.report.count('requests_sent');
      let failure: { kind: RetryKind; retryAfterMs?: number; message: string };
      try {
        const t = this.target(ep);
        const reply = await this.http.post(t.url, t.headers, text, req.timeout_s * 1000, signal);
        if (reply.status < 200 || reply.status >= 300) failure = classifyStatus(reply, ep);
        else {
          const out = this.parse(JSON.parse(reply.body), ep, rq, promptChars);
          if (out) {
            this.opts.limiter.settle(est, out.usage.prompt_tokens + out.usage.completion_tokens);
            this.opts.budget.record(ep.model, out.usage);
            return out;
          }
          failure = { kind: 'retry_malformed', message: 'the response has no choices[0].message' };
        }
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        failure = classify(e);
      }
      this.opts.report.count(failure.kind);
      if (attempt >= req.max_retries) {
        throw new RequestFailed(
          `${role} request to ${ep.baseURL} (model ${ep.model}) failed ${attempt + 1} times; last: ${failure.message}`,
          'check the server; rerun the same command to resume where the run stopped',
        );
      }
      const delay = this.delayMs(attempt, failure.retryAfterMs);
      if (failure.kind === 'retry_429') this.opts.limiter.pause(delay);
      await this.clock.sleep(delay, signal);
    }
  }

  /** A usable result, or undefined when the body is not a chat completion (retried as malformed). */
  private parse(res: unknown, ep: Endpoint, rq: string, promptChars: number): ChatResult | undefined {
    const r = res as ChatCompletion | null | undefined;
    const choice = r && typeof r === 'object' && Array.isArray(r.choices) ? r.choices[0] : undefined;
    if (!choice || typeof choice.message !== 'object' || choice.message === null) return undefined;
    const c = choice.message.content;
    if (c !== null && c !== undefined && typeof c !== 'string') return undefined;
    const content = c ?? '';
    let usage: Usage;
    if (r!.usage && Number.isFinite(r!.usage.prompt_tokens) && Number.isFinite(r!.usage.completion_tokens)) {
      usage = { prompt_tokens: r!.usage.prompt_tokens, completion_tokens: r!.usage.completion_tokens, requests: 1 };
    } else {
      // Some servers omit usage; estimate it (4 chars a token) so budgets still hold, and say so.
      this.opts.report.count('usage_estimated');
      usage = { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(content.length / 4), requests: 1 };
    }
    return { content, finishReason: choice.finish_reason ?? null, usage, model: ep.model, rq };
  }

  /** Retry-After when the server gave one (plus up to 10% jitter), else exponential backoff with equal jitter. */
  private delayMs(attempt: number, retryAfterMs: number | undefined): number {
    const req = this.opts.request;
    if (retryAfterMs !== undefined) {
      const ra = Math.min(retryAfterMs, req.max_retry_after_s * 1000);
      return ra + this.random() * Math.min(1000, ra * 0.1);
    }
    const cap = Math.min(req.backoff_max_ms, req.backoff_base_ms * 2 ** attempt);
    return cap / 2 + this.random() * (cap / 2);
  }
}

/** The fields of a chat completion read here. */
interface ChatCompletion {
  choices?: { message?: { content?: unknown } | null; finish_reason?: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/** A non-2xx reply: 429, 5xx, 408 and 409 are retried; any other status stops the run. */
function classifyStatus(r: HttpReply, ep: Endpoint): { kind: RetryKind; retryAfterMs?: number; message: string } {
  let detail = r.body.slice(0, 300);
  try {
    const m = (JSON.parse(r.body) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === 'string') detail = m;
  } catch {
    /* not JSON: the start of the body says what happened */
  }
  const retryAfterMs = retryAfter(r.headers);
  if (r.status === 429) return { kind: 'retry_429', retryAfterMs, message: `429 ${detail}` };
  if (r.status >= 500 || r.status === 408 || r.status === 409) return { kind: 'retry_5xx', retryAfterMs, message: `${r.status} ${detail}` };
  throw new RequestFailed(
    `the server at ${ep.baseURL} refused a request for model ${ep.model}: ${r.status} ${detail}`,
    r.status === 401 || r.status === 403 ? 'check the API key environment variable named by api_key_env' : 'check --base-url and the model names',
  );
}

function classify(e: unknown): { kind: RetryKind; retryAfterMs?: number; message: string } {
  if (e instanceof HttpTimeout) return { kind: 'retry_timeout', message: 'request timed out' };
  if (e instanceof HttpConnectionError) return { kind: 'retry_connection', message: `connection error: ${e.message}` };
  if (e instanceof SyntaxError) return { kind: 'retry_malformed', message: `malformed JSON in the response: ${e.message}` };
  const dropped = connectionDropped(e);
  if (dropped) return { kind: 'retry_connection', message: `connection closed mid-response: ${dropped}` };
  throw e;
}

// Failures before the response head are HttpConnectionError; a connection closed while the body
// streams surfaces as a node socket error (or, from a fetch-based client, undici's bare
// `TypeError: terminated`, cause UND_ERR_SOCKET). Those are as transient as a 5xx.
const DROPPED_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_BODY_TIMEOUT']);
const DROPPED_MESSAGE = /^(terminated|socket hang up|other side closed)$|ECONNRESET/i;

/** A description when `e` (or an error in its cause chain) is a connection dropped mid-response. */
export function connectionDropped(e: unknown): string | undefined {
  for (let x = e, i = 0; x && typeof x === 'object' && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    const { code, message } = x as { code?: unknown; message?: unknown };
    if ((typeof code === 'string' && DROPPED_CODES.has(code)) || (typeof message === 'string' && DROPPED_MESSAGE.test(message))) {
      const outer = String((e as Error).message ?? e);
      return typeof code === 'string' ? `${outer} (${code})` : outer;
    }
  }
  return undefined;
}

/** Milliseconds from `retry-after-ms`, or `retry-after` as seconds or an HTTP date. */
export function retryAfter(headers: { get(name: string): string | null } | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers?.get('retry-after');
  if (!ra) return undefined;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const t = Date.parse(ra);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}
