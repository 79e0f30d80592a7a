/**
 * `tokenize`: each conversation rendered with a chat template, tokenized once, masked to the
 * assistant replies and their end markers, the mask checked (the trained tokens must decode to the
 * replies; a failing sample is rejected `mask_mismatch`), fitted to `max_len` (split, truncate or
 * drop). Yields one row per chunk: `{id, input_ids, labels, loss_weights?}`. Worker threads when
 * `workers` > 1; rows come out in input order either way.
 */
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { TemplateConfigError } from '../templates/errors.js';
import { defineStage } from '../../core/registry.js';
import type { Item, Stage } from '../../core/stage.js';
import { isReject, type Conversation, type RejectMarker, type SourcePos } from '../../core/types.js';
import { formatMixed, type MixedOut } from '../batch.js';
import { batchesOf, mixedIsolation, orderedBatches } from '../pool.js';
import { buildFormatter, type Built, type FormatterSetup } from '../setup.js';
import type { TokenizerFiles } from '../tokenizer/source.js';
import { resolveTokenizer } from '../tokenizer/source.js';
import { serialBatches } from '../tokenizer/native.js';

/**
 * Serial batches in flight at once: each holds one of libuv's 4 threads (file reads and writes
 * need the others). Measured on 2 cores (alternating pairs), 2 encoders plus this thread beat 3
 * (less wall and ~1 s less CPU: fewer threads contend for the cores and the allocator).
 */
const SERIAL_INFLIGHT = 2;
/**
 * Batches read and rendered ahead, waiting for an encoder slot: a slot that frees starts the next
 * batch at once (see NativeBackend.limitInFlight) instead of after this thread has checked and
 * written the previous ones.
 */
const SERIAL_QUEUED = 2;

export const TokenizeOptions = z
  .object({
    /** A folder with tokenizer.json, a Hub repo id (cached), or a bundled name (llama2, mistral, qwen3). */
    tokenizer: z.string().min(1),
    /** openchat_3.5, vicuna_v1.1, llama-2, zephyr, chatml, tulu, ultralm, llama-3, ..., or hf (the tokenizer's own). */
    template: z.string().min(1),
    template_kwargs: z.record(z.string(), z.unknown()).optional(),
    max_len: z.number().int().min(8).max(10_000_000).default(2048),
    chunk: z.enum(['split', 'truncate', 'drop']).default('split'),
    /** `whole`: tokenize the rendered conversation once; `segments`: each piece on its own (OpenChat's way). */
    tokenize: z.enum(['whole', 'segments']).default('whole'),
    /** Carry per-token loss weights (unwanted-phrase masks, C-RLFT weights). */
    loss_weights: z.boolean().default(false),
    workers: z.number().int().min(1).max(256).default(1),
    backend: z.enum(['auto', 'native', 'js']).default('auto'),
    batch_size: z.number().int().min(1).max(100_000).default(128),
    /** Hub tokenizers: revision, cache folder, endpoint, and never downloading. */
    revision: z.string().optional(),
    cache_dir: z.string().optional(),
    hub_url: z.string().url().optional(),
    offline: z.boolean().optional(),
  })
  .strict();

export type TokenizeStageOptions = z.infer<typeof TokenizeOptions>;

/** What a writer of tokenized rows needs to know about how they were made (its manifest). */
export interface TokenizeInfo {
  options: TokenizeStageOptions;
  files: TokenizerFiles;
  built: Built;
}

export interface TokenizeStage extends Stage {
  readonly info: TokenizeInfo;
}

export default defineStage({
  name: 'tokenize',
  description: 'chat template → tokens with exact assistant-only labels (checked on every sample), fitted to max_len',
  kind: 'format',
  options: TokenizeOptions,
  scope: 'record',
  async create(o): Promise<TokenizeStage> {
    const files = await resolveTokenizer(o.tokenizer, hubOptions(o));
    const setup: FormatterSetup = {
      template: o.template,
      templateKwargs: o.template_kwargs,
      tokenizer: files,
      backend: o.backend,
      format: { maxLen: o.max_len, chunk: o.chunk, tokenize: o.tokenize },
    };
    let built: Built;
    try {
      built = await buildFormatter(setup);
    } catch (e) {
      if (e instanceof TemplateConfigError && o.template === 'hf') {
        throw new UsageError(
          `--template hf: the tokenizer ${o.tokenizer} has no chat_template (in its tokenizer_config.json or chat_template.jinja)`,
          'name a built-in template instead (openchat_3.5, vicuna_v1.1, llama-2, chatml, zephyr, tulu, ultralm, llama-3, mistral, qwen, one_shot), or use a tokenizer folder that ships one',
        );
      }
      throw e;
    }
    await probe(built, o);
    return {
      name: 'tokenize',
      info: { options: o, files, built },
      async *run(input, ctx) {
        if (built.tokenizer.fallbackReason) ctx.log(`using the pure-JS tokenizer (${built.tokenizer.fallbackReason})`);
        // Results come back in batch order: each batch's sources (and split tags, for write_hf's DatasetDict) wait in a queue for its rows.
        const pending: { source?: SourcePos; split?: Conversation['split'] }[][] = [];
        // In this thread with the Rust encoder, batches run each on its own libuv thread, serially
        // (see serialBatches); several in flight keep both the encoder's threads and this one busy.
        const serial = o.workers <= 1 && built.tokenizer.backend.kind === 'native' ? serialBatches() : undefined;
        const backend = built.tokenizer.backend;
        if (serial?.serial) backend.limitInFlight?.(SERIAL_INFLIGHT);
        try {
          const batches = tap(batchesOf<Item>(input, o.batch_size, 4 << 20, sizeOf), (b) => pending.push(b.map((x) => ({ source: (x as Conversation).source, split: (x as Conversation).split }))));
          const inflight = serial?.serial ? SERIAL_INFLIGHT + SERIAL_QUEUED : 3;
          const results = orderedBatches<Item, MixedOut>(batches, { workers: o.workers, shared: setup, inflight, isolate: mixedIsolation as never }, (b) =>
            formatMixed(built.formatter, b as (Conversation | RejectMarker)[]),
          );
          for await (const out of results) {
            const sources = pending.shift() ?? [];
            for (const [name, n] of Object.entries(out.counters)) ctx.stats.count(name, n);
            for (const [i, it] of out.items.entries()) {
              if ('reject' in it) {
                yield it.reject;
                continue;
              }
              const from = sources[i];
              for (const r of it.rows) yield { id: r.id, input_ids: r.ids, labels: r.labels, loss_weights: r.weights, source: from?.source, ...(from?.split && { split: from.split }) } as Item;
            }
          }
        } finally {
          if (serial?.serial) backend.limitInFlight?.(0);
          serial?.restore();
        }
      },
    };
  },
});

/**
 * A template that cannot render a plain two-turn conversation would reject every record and
 * exit 0 with an empty dataset: fail at the start instead, with one line.
 */
async function probe(built: Built, o: TokenizeStageOptions): Promise<void> {
  const conv: Conversation = {
    id: 'probe',
    source: { file: '(template check)' },
    turns: [
      { role: 'user', content: 'Hello, who are you?' },
      { role: 'assistant', content: 'I am a helpful assistant.' },
    ],
  };
  let detail: string | undefined;
  try {
    const out = await built.formatter.formatBatch([conv]);
    const it = out.items[0];
    if (it && 'reject' in it) detail = `${it.reject.reason}${it.reject.detail ? `: ${it.reject.detail}` : ''}`;
  } catch (e) {
    detail = (e as Error).message;
  }
  if (detail !== undefined) {
    throw new UsageError(
      `template ${o.template} with tokenizer ${o.tokenizer} cannot render a simple two-turn conversation (${detail.split('\n')[0]})`,
      "check the template name (sftforge stages tokenize) or the tokenizer's chat_template",
    );
  }
}

async function* tap<T>(src: AsyncIterable<T>, fn: (x: T) => void): AsyncGenerator<T> {
  for await (const x of src) {
    fn(x);
    yield x;
  }
}

function sizeOf(x: Item): number {
  if (isReject(x)) return 64;
  let n = 0;
  for (const t of (x as Conversation).turns) n += t.content.length;
  return n;
}

/** The Hub options of a stage that loads a tokenizer. */
export function hubOptions(o: { revision?: string; cache_dir?: string; hub_url?: string; offline?: boolean }) {
  return { revision: o.revision, cacheDir: o.cache_dir, hubUrl: o.hub_url, offline: o.offline };
}
