/**
 * Chat completions against any OpenAI-compatible server (vLLM, Ollama, OpenAI, ...) through the
 * `openai` package, with its own retries turned off (maxRetries: 0) and done here instead, so
 * every retry is counted and testable: 429 (honouring Retry-After / retry-after-ms), 5xx, 408/409,
 * timeouts, connection errors and malformed JSON are retried with exponential backoff and jitter;
 * any other 4xx stops the run (a wrong model name or key will not fix itself).
 */
import OpenAI from 'openai';
import { SftforgeError } from '../core/errors.js';
import type { Report } from '../core/report.js';
import type { Budget } from './budget.js';
import type { GenerateConfig } from './config.js';
import { realClock, type Clock, type RateLimiter } from './ratelimit.js';
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
  private readonly clients = new Map<string, OpenAI>();
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly opts: ChatClientOptions) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
  }

  endpoint(role: ModelRole): Endpoint {
    return this.opts.endpoints[role];
  }

  private sdk(ep: Endpoint): OpenAI {
    const key = `${ep.baseURL}\u0000${ep.apiKey}`;
    let c = this.clients.get(key);
    if (!c) {
      c = new OpenAI({ baseURL: ep.baseURL, apiKey: ep.apiKey, maxRetries: 0, timeout: this.opts.request.timeout_s * 1000 });
      this.clients.set(key, c);
    }
    return c;
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
    const promptChars = all.reduce((n, m) => n + m.content.length, 0);
    const est = Math.ceil(promptChars / 4) + ep.max_tokens;
    this.opts.budget.check();
    for (let attempt = 0; ; attempt++) {
      await this.opts.limiter.acquire(est, signal);
      this.opts.report.count('requests_sent');
      let failure: { kind: RetryKind; retryAfterMs?: number; message: string };
      // The SDK never removes its listener from the signal it is given: give it a fresh one per
      // request, linked to the caller's, or a run of millions of requests leaks a closure each.
      const ac = new AbortController();
      const onAbort = () => ac.abort(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const res = await this.sdk(ep).chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming, {
          signal: ac.signal,
          timeout: req.timeout_s * 1000,
          maxRetries: 0,
        });
        const out = this.parse(res, ep, rq, promptChars);
        if (out) {
          this.opts.limiter.settle(est, out.usage.prompt_tokens + out.usage.completion_tokens);
          this.opts.budget.record(ep.model, out.usage);
          return out;
        }
        failure = { kind: 'retry_malformed', message: 'the response has no choices[0].message' };
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        failure = classify(e, ep);
      } finally {
        signal?.removeEventListener('abort', onAbort);
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
    const r = res as OpenAI.ChatCompletion | undefined;
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

function classify(e: unknown, ep: Endpoint): { kind: RetryKind; retryAfterMs?: number; message: string } {
  if (e instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'retry_timeout', message: 'request timed out' };
  if (e instanceof OpenAI.APIConnectionError) return { kind: 'retry_connection', message: `connection error: ${e.message}` };
  if (e instanceof SyntaxError) return { kind: 'retry_malformed', message: `malformed JSON in the response: ${e.message}` };
  const dropped = connectionDropped(e);
  if (dropped) return { kind: 'retry_connection', message: `connection closed mid-response: ${dropped}` };
  if (e instanceof OpenAI.APIError && typeof e.status === 'number') {
    const retryAfterMs = retryAfter(e.headers);
    if (e.status === 429) return { kind: 'retry_429', retryAfterMs, message: `429 ${e.message}` };
    if (e.status >= 500 || e.status === 408 || e.status === 409) return { kind: 'retry_5xx', retryAfterMs, message: `${e.status} ${e.message}` };
    throw new RequestFailed(
      `the server at ${ep.baseURL} refused a request for model ${ep.model}: ${e.status} ${e.message}`,
      e.status === 401 || e.status === 403 ? 'check the API key environment variable named by api_key_env' : 'check --base-url and the model names',
    );
  }
  throw e;
}

// The SDK wraps failures before the response head as APIConnectionError; a connection closed
// while the body streams surfaces as undici's bare `TypeError: terminated` (cause UND_ERR_SOCKET)
// or a node socket error. Those are as transient as a 5xx.
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
