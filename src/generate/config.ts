/**
 * The generator's YAML config (configs/ultrachat.yaml): zod schema, defaults, and a loader whose
 * errors name FILE:LINE of the offending value, so a typo in a seed list is found at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { packageRoot } from '../exec/paths.js';

/** configs/ultrachat.yaml of this package (found from wherever the code runs: src/, dist/). */
export const DEFAULT_CONFIG_PATH = join(packageRoot(), 'configs/ultrachat.yaml');

const rounds = z
  .object({ min: z.number().int().min(1), max: z.number().int().min(1) })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'rounds.min must not exceed rounds.max' });

/** A prompt template that must mention each of `names` as {name}. */
function template(...names: string[]) {
  return z.string().refine((s) => names.every((n) => s.includes(`{${n}}`)), {
    message: `the template must contain ${names.map((n) => `{${n}}`).join(', ')}`,
  });
}

const model = z
  .object({
    base_url: z.string().url().optional(),
    model: z.string().min(1).optional(),
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    max_tokens: z.number().int().positive().optional(),
    /** Newer OpenAI models take `max_completion_tokens` and refuse `max_tokens`. */
    max_tokens_param: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
    system: z.string().optional(),
    /** Extra request fields passed through verbatim (e.g. vLLM's `repetition_penalty`). */
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const fanout = z.number().int().min(1).max(1000);

/** How requests are sent and retried (also the judge stages' `request:` option). */
export const requestSchema = z
  .object({
    timeout_s: z.number().positive().default(120),
    max_retries: z.number().int().min(0).max(100).default(6),
    backoff_base_ms: z.number().int().min(0).default(500),
    backoff_max_ms: z.number().int().min(0).default(60000),
    max_retry_after_s: z.number().min(0).default(600),
    send_seed: z.boolean().default(true),
  })
  .strict();

/** USD per million tokens of one model. */
export const priceSchema = z.object({ input_per_mtok: z.number().min(0), output_per_mtok: z.number().min(0) }).strict();

export const generateConfigSchema = z
  .object({
    version: z.literal(1),
    models: z.object({ user: model, assistant: model, openings: model.default({}) }).strict(),
    prices: z.record(z.string(), priceSchema).default({}),
    request: requestSchema.prefault({}),
    regenerate: z
      .object({ max_attempts: z.number().int().min(1).max(20).default(3) })
      .strict()
      .prefault({}),
    sector_weights: z
      .object({ world: z.number().min(0), creation: z.number().min(0), assistance: z.number().min(0) })
      .strict()
      .default({ world: 0.4, creation: 0.3, assistance: 0.3 }),
    openings_spare: z.number().min(0).max(10).default(0.05),
    dedup: z
      .object({ shingle: z.number().int().min(1).max(8).default(2), threshold: z.number().gt(0).max(1).default(0.8) })
      .strict()
      .prefault({}),
    user_turn: z
      .object({
        user_label: z.string().min(1).default('User'),
        assistant_label: z.string().min(1).default('Assistant'),
        template: template('history', 'instruction').default('{history}\n\n{instruction} {persona}'),
      })
      .strict()
      .prefault({}),
    personas: z.array(z.object({ name: z.string().regex(/^[a-z0-9_]+$/, 'snake_case'), description: z.string().min(1) }).strict()).min(1),
    sectors: z
      .object({
        world: z
          .object({
            rounds,
            meta_topics: z.array(z.string().min(1)).min(1),
            subtopics_per_topic: fanout,
            questions_per_subtopic: fanout,
            followups_per_question: fanout,
            questions_per_entity: fanout,
            user_instruction: z.string().min(1),
            prompts: z
              .object({
                subtopics: template('n', 'topic'),
                questions: template('n', 'subtopic'),
                followups: template('n', 'question'),
                entity: template('n', 'entity'),
              })
              .strict(),
          })
          .strict(),
        creation: z
          .object({
            rounds,
            material_types: z.array(z.string().min(1)).min(1),
            instructions_per_type: z.number().int().min(1).max(1_000_000),
            instructions_per_request: fanout,
            detail_rewrite_share: z.number().min(0).max(1),
            user_instruction: z.string().min(1),
            prompts: z.object({ instructions: template('n', 'material_type'), detail_rewrite: template('instruction') }).strict(),
          })
          .strict(),
        assistance: z
          .object({
            rounds,
            instructions_per_document: fanout,
            max_document_chars: z.number().int().min(100),
            instruction_kinds: z.array(z.string().min(1)).min(1),
            templates: z.array(template('text', 'instruction')).min(1),
            user_instruction: z.string().min(1),
            prompts: z.object({ instructions: template('n', 'text') }).strict(),
          })
          .strict(),
      })
      .strict(),
    rejection: z
      .object({
        politeness_phrases: z.array(z.string().min(1)),
        politeness_filler: z.array(z.string().min(1)),
        assistant_like_patterns: z.array(z.string()),
        max_user_list_items: z.number().int().min(1),
        max_user_chars: z.number().int().min(1),
        refusal_patterns: z.array(z.string()),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Regexes are compiled here so that a bad pattern is reported at its line, not mid-run.
    for (const key of ['assistant_like_patterns', 'refusal_patterns'] as const) {
      c.rejection[key].forEach((p, i) => {
        try {
          new RegExp(p, 'iu');
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['rejection', key, i], message: `invalid regular expression: ${(e as Error).message}` });
        }
      });
    }
  });

export type GenerateConfig = z.infer<typeof generateConfigSchema>;
export type ModelConfig = z.infer<typeof model>;

/** Loads and validates a config file; every problem is reported as FILE:LINE: path: message. */
export function loadGenerateConfig(file: string = DEFAULT_CONFIG_PATH): GenerateConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, `cannot read the config: ${(e as Error).message}`, 'pass --config FILE with a readable YAML file');
  }
  return parseGenerateConfig(text, file);
}

export function parseGenerateConfig(text: string, file: string): GenerateConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const msgs = doc.errors.map((e) => `${file}:${lc.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
    throw new ConfigError(file, `invalid YAML\n${msgs.join('\n')}`, 'fix the YAML syntax at the lines above');
  }
  const res = generateConfigSchema.safeParse(doc.toJS());
  if (res.success) return res.data;
  const msgs = res.error.issues.map((iss) => {
    const path = iss.path as (string | number)[];
    // An unknown key is reported at the key itself, not at the mapping holding it.
    const at = iss.code === 'unrecognized_keys' && iss.keys.length > 0 ? [...path, iss.keys[0]!] : path;
    return `${file}:${lineOf(doc, lc, at)}: ${path.map(String).join('.') || '(root)'}: ${iss.message}`;
  });
  throw new ConfigError(file, `invalid config\n${msgs.join('\n')}`, `compare with ${DEFAULT_CONFIG_PATH}`);
}

/** The line of the deepest node on `path` that exists (a missing key is reported at its parent). */
function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}
