/**
 * Options of the judge stages (`judge`, and `best_of_n`'s inline `judge:` and policy server),
 * and how they become endpoints, protocols and the shared request machinery.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { Report } from '../core/report.js';
import type { StageContext } from '../core/stage.js';
import { Budget } from '../generate/budget.js';
import type { Endpoint } from '../generate/client.js';
import { priceSchema, requestSchema } from '../generate/config.js';
import { NO_KEY } from '../generate/endpoints.js';
import { RateLimiter } from '../generate/ratelimit.js';
import { ReplyCache } from './cache.js';
import { Semaphore, type LlmShared } from './llm.js';
import { autoj, customProtocol, mtbench, type Protocol } from './protocols.js';
import { checkTemplate } from './template.js';

/** Where a model is served (any OpenAI-compatible server; the key only from OPENAI_API_KEY). */
export const serverFields = {
  /** Default: OPENAI_BASE_URL. */
  base_url: z.string().url().optional(),
  model: z.string().min(1),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_tokens_param: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
  /** Extra request fields, sent verbatim. */
  extra: z.record(z.string(), z.unknown()).optional(),
};

export const judgeFields = {
  protocol: z.enum(['autoj', 'mtbench', 'custom']).default('autoj'),
  /** Key in record.scores (default: the protocol's name). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -')
    .optional(),
  ...serverFields,
  /** custom: prompt template file with {query}, {question}, {history}, {response}. */
  template: z.string().min(1).optional(),
  /** custom: regular expression whose group 1 (or match) is the score. */
  score_regex: z.string().min(1).optional(),
  /** custom: which match counts. */
  pick: z.enum(['first', 'last']).default('last'),
  /** custom: a system message. */
  system: z.string().optional(),
  /** custom, pairwise: template with {response_a}, {response_b}, and regex whose group 1 is A/1, B/2 or C/tie. */
  pair_template: z.string().min(1).optional(),
  pair_regex: z.string().min(1).optional(),
  /** An unparseable verdict is asked again (a new request) this many times, then the record is rejected. */
  max_unparsed_retries: z.number().int().min(0).max(20).default(2),
};

export const judgeObject = z.object(judgeFields).strict();
export type JudgeFields = z.infer<typeof judgeObject>;

export const runFields = {
  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(4096).default(8),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  budget: z.object({ max_requests: z.number().int().positive().optional(), max_tokens: z.number().int().positive().optional(), max_cost: z.number().positive().optional() }).strict().optional(),
  /** USD per million tokens by model, for max_cost and the report's cost. */
  prices: z.record(z.string(), priceSchema).default({}),
  request: requestSchema.prefault({}),
  /** Journal of paid replies (resume without paying twice); false: none. Default .sftforge/journal/STAGE-NAME.jsonl. */
  journal: z.union([z.string().min(1), z.literal(false)]).optional(),
  journal_sync: z.boolean().default(true),
};
const runObject = z.object(runFields);
export type RunFields = z.infer<typeof runObject>;

export function checkRegex(src: string | undefined, what: string, label: string): RegExp | undefined {
  if (src === undefined) return undefined;
  try {
    return new RegExp(src, 'u');
  } catch (e) {
    throw new UsageError(`${label}${what} is not a valid regular expression: ${(e as Error).message}`, 'write a JavaScript regular expression; its group 1 is read');
  }
}

/** The protocol named by the options; custom templates are read (relative to `cwd`) and checked now. */
/** `label` starts messages ("judge: " for best_of_n's inline judge; the pipeline adds the step's place). */
export function protocolOf(o: JudgeFields, cwd: string, label: string, pairwise: boolean): Protocol {
  if (o.protocol === 'autoj') return autoj;
  if (o.protocol === 'mtbench') return mtbench;
  if (!o.template || !o.score_regex)
    throw new UsageError(`${label}protocol custom needs template and score_regex`, 'template: a file with {query} (or {question}, {history}) and {response}; score_regex: e.g. "Score: (\\\\d+)"');
  const read = (p: string) => {
    try {
      return readFileSync(resolve(cwd, p), 'utf8');
    } catch (e) {
      throw new UsageError(`${label}cannot read template ${p}: ${(e as Error).message}`, 'relative paths resolve against the directory the pipeline runs in');
    }
  };
  const template = read(o.template);
  checkTemplate(template, ['query', 'question', 'history', 'response'], o.template);
  const c = { template, scoreRegex: checkRegex(o.score_regex, 'score_regex', label)!, pick: o.pick, system: o.system } as Parameters<typeof customProtocol>[0];
  if (pairwise) {
    if (!o.pair_template || !o.pair_regex)
      throw new UsageError(
        `${label}pairwise with protocol custom needs pair_template and pair_regex`,
        'pair_template uses {response_a} and {response_b}; pair_regex group 1 is A, B or C (or 1, 2, tie)',
      );
    c.pairTemplate = read(o.pair_template);
    checkTemplate(c.pairTemplate, ['query', 'question', 'history', 'response_a', 'response_b'], o.pair_template);
    c.pairRegex = checkRegex(o.pair_regex, 'pair_regex', label);
  }
  return customProtocol(c);
}

const DEFAULT_MAX_TOKENS = { autoj: 1024, mtbench: 2048, custom: 1024 } as const;

/** An endpoint from the options and the environment (OPENAI_BASE_URL, OPENAI_API_KEY); the key is never logged. */
export function endpointOf(o: z.infer<z.ZodObject<typeof serverFields>>, defaults: { temperature: number; max_tokens: number }, label: string, env: NodeJS.ProcessEnv = process.env): Endpoint {
  const base = o.base_url ?? (env.OPENAI_BASE_URL || undefined);
  if (!base) throw new UsageError(`${label}no base URL for model ${o.model}`, 'set base_url: (e.g. http://127.0.0.1:8000/v1) or the OPENAI_BASE_URL environment variable');
  const ep: Endpoint = {
    baseURL: base.replace(/\/+$/, ''),
    model: o.model,
    apiKey: env.OPENAI_API_KEY || NO_KEY,
    max_tokens: o.max_tokens ?? defaults.max_tokens,
    temperature: o.temperature ?? defaults.temperature,
  };
  if (o.top_p !== undefined) ep.top_p = o.top_p;
  if (o.max_tokens_param !== undefined) ep.max_tokens_param = o.max_tokens_param;
  if (o.extra !== undefined) ep.extra = o.extra;
  return ep;
}

export function judgeEndpoint(o: JudgeFields, label: string): Endpoint {
  // Judges grade at temperature 0, as Auto-J's and FastChat's own scripts do.
  return endpointOf(o, { temperature: 0, max_tokens: DEFAULT_MAX_TOKENS[o.protocol] }, label);
}

/** The journal path of a stage: the option, or .sftforge/journal/STAGE-NAME.jsonl; one file per rank. */
export function journalPath(o: RunFields, cwd: string, stage: string, name: string, ctx: StageContext): string | undefined {
  if (o.journal === false) return undefined;
  const base = o.journal !== undefined ? resolve(cwd, o.journal) : join(cwd, '.sftforge', 'journal', `${stage}-${name}.jsonl`);
  return ctx.worldSize > 1 ? base.replace(/(\.jsonl)?$/, `.rank-${ctx.rank}$1`) : base;
}

/** The machinery every model of a stage shares: journal, budget, rate limits, request slots. */
export async function openShared(o: RunFields, path: string | undefined, label: string): Promise<LlmShared> {
  const budget = new Budget({ maxRequests: o.budget?.max_requests, maxTokens: o.budget?.max_tokens, maxCost: o.budget?.max_cost }, o.prices);
  const cache = await ReplyCache.open(path, budget, o.journal_sync);
  return { cache, budget, limiter: new RateLimiter({ rpm: o.rpm, tpm: o.tpm }), slots: new Semaphore(o.concurrency), request: o.request, report: new Report(label), journalPath: path };
}

/** Moves the client's counters (requests, retries), journal hits and spend into the stage's stats. */
export async function closeShared(s: LlmShared, ctx: StageContext): Promise<void> {
  for (const [k, v] of s.report.counters) ctx.stats.count(k, v);
  if (s.cache.hits > 0) ctx.stats.count('journal_hits', s.cache.hits);
  ctx.stats.count('prompt_tokens', s.budget.total.prompt_tokens);
  ctx.stats.count('completion_tokens', s.budget.total.completion_tokens);
  if (s.budget.cost > 0) ctx.stats.gauge('cost_usd', Math.round(s.budget.cost * 1e6) / 1e6);
  await s.cache.close();
}
