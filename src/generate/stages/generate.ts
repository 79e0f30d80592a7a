/**
 * `generate`: UltraChat-style dialogues from a simulated user and an assistant on any
 * OpenAI-compatible server, as the first step of a pipeline. The dialogues are written to `path`
 * with its journal (`PATH.journal.jsonl`) beside it, so a killed run resumes with nothing lost or
 * paid twice; then they flow on as conversations in id order. Keys come from OPENAI_API_KEY.
 */
import { z } from 'zod';
import { SftforgeError } from '../../core/errors.js';
import { defineStage } from '../../core/registry.js';
import type { Item } from '../../core/stage.js';
import { readConversations } from '../../io/read.js';
import { runGenerate } from '../run.js';
import { SECTORS, type Sector } from '../types.js';

const Options = z
  .object({
    /** Generated dialogues (JSONL); the journal and openings are kept beside it. */
    path: z.string().min(1),
    sector: z.union([z.enum(['all', ...SECTORS] as [string, ...string[]]), z.array(z.enum(SECTORS as unknown as [string, ...string[]])).min(1)]),
    count: z.number().int().min(1),
    base_url: z.string().url().optional(),
    user_base_url: z.string().url().optional(),
    assistant_base_url: z.string().url().optional(),
    user_model: z.string().optional(),
    assistant_model: z.string().optional(),
    openings_model: z.string().optional(),
    config: z.string().optional(),
    materials: z.string().optional(),
    entities: z.string().optional(),
    seed: z.number().int().min(0).default(0),
    concurrency: z.number().int().min(1).max(10_000).default(8),
    format: z.enum(['ultrachat', 'sharegpt']).default('ultrachat'),
    rpm: z.number().int().min(1).optional(),
    tpm: z.number().int().min(1).optional(),
    max_requests: z.number().int().min(1).optional(),
    max_tokens: z.number().int().min(1).optional(),
    max_cost: z.number().min(0).optional(),
  })
  .strict();

export default defineStage({
  name: 'generate',
  description: 'UltraChat-style dialogues (world, creation, assistance) with a simulated user against an OpenAI-compatible server; resumable',
  kind: 'generate',
  options: Options,
  scope: 'source',
  create(o, env) {
    const at = (p: string | undefined) => (p === undefined ? p : env.resolve(p));
    const path = at(o.path)!;
    return {
      name: 'generate',
      async *run(_input, ctx) {
        if (ctx.worldSize > 1) {
          throw new SftforgeError(
            'generate cannot be split over ranks inside a pipeline',
            'run `sftforge generate --num-shards N` (or a Slurm array) for the generation, merge it, then read its output in the pipeline',
          );
        }
        const sectors = o.sector === 'all' ? [...SECTORS] : ((Array.isArray(o.sector) ? o.sector : [o.sector]) as Sector[]);
        const r = await runGenerate({
          sectors,
          count: o.count,
          out: path,
          format: o.format,
          seed: o.seed,
          concurrency: o.concurrency,
          configPath: at(o.config),
          baseUrl: o.base_url ?? process.env.OPENAI_BASE_URL,
          userBaseUrl: o.user_base_url,
          assistantBaseUrl: o.assistant_base_url,
          userModel: o.user_model,
          assistantModel: o.assistant_model,
          openingsModel: o.openings_model,
          materials: at(o.materials),
          entities: at(o.entities),
          rpm: o.rpm,
          tpm: o.tpm,
          maxRequests: o.max_requests,
          maxTokens: o.max_tokens,
          maxCost: o.max_cost,
          progress: ctx.quiet ? 'none' : 'auto',
          signal: ctx.signal,
        });
        for (const [k, v] of r.report.counters) ctx.stats.count(k, v);
        if (r.status !== 'complete') throw new SftforgeError(`generate stopped (${r.detail ?? r.status})`, `progress is in ${r.paths.journal}: run the same pipeline again to continue`);
        let seq = 0;
        for await (const rec of readConversations([path])) {
          (rec as { source: { seq?: number } }).source.seq = seq++;
          yield rec as Item;
        }
      },
    };
  },
});
