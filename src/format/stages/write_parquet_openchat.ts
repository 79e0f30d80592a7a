/**
 * `write_parquet_openchat`: conversations tokenized exactly as OpenChat's own
 * `generate_dataset.py` does (its conversation template, segments, `add_single_conv`), written as
 * the files its trainer reads: `PATH.{epoch}.parquet` for every epoch (rows shuffled with
 * seed + epoch), OpenChat's conversation JSONL `PATH.0.jsonl`, and `sftforge.json` in PATH's
 * folder. `path` is the prefix (`out/openchat` → `out/openchat.0.parquet`, ...). With `crlft`,
 * each record's `model` picks its OpenChat condition and weight (C-RLFT, OpenChat 3.5's recipe).
 */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import type { Item } from '../../core/stage.js';
import { isReject, type Conversation } from '../../core/types.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { writerOutput } from '../../io/stages/write_jsonl.js';
import { reportWithoutTimings, type TokenizedManifest } from '../writers/manifest.js';
import { OpenChatWriter, openChatFeatures, type OpenChatResult } from '../writers/parquet-openchat.js';
import { TOKENIZER_CONFIG } from '../writers/tokenizer-config.js';
import { hubOptions } from './tokenize.js';
import { version } from './write_hf.js';

const Options = z
  .object({
    /** Prefix of the files: PATH.0.parquet … PATH.{epochs-1}.parquet, PATH.0.jsonl. */
    path: z.string().min(1),
    tokenizer: z.string().min(1),
    template: z.string().default('openchat_3.5'),
    /** An OpenChat MODEL_CONFIG_MAP key (default: the one for this template and tokenizer). */
    model_type: z.string().optional(),
    epochs: z.number().int().min(1).max(1000).default(5),
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    per_sequence_loss: z.boolean().default(false),
    /** Tokens kept per conversation (default: the model type's context). */
    max_context: z.number().int().min(8).optional(),
    /** Condition when C-RLFT is off (default "GPT4 Correct"). */
    condition: z.string().optional(),
    /** C-RLFT: condition and weight from each record's model field. */
    crlft: z.boolean().default(false),
    tokenize: z.enum(['segments', 'whole']).default('segments'),
    jsonl: z.boolean().default(true),
    batch_size: z.number().int().min(1).max(100_000).default(128),
    /** Hub tokenizers: revision, cache folder, endpoint, and never downloading. */
    revision: z.string().optional(),
    cache_dir: z.string().optional(),
    hub_url: z.string().url().optional(),
    offline: z.boolean().optional(),
    rejects: z.union([z.string().min(1), z.literal(false)]).optional(),
    report: z.union([z.string().min(1), z.literal(false)]).optional(),
  })
  .strict();

export default defineStage({
  name: 'write_parquet_openchat',
  description: "OpenChat trainer input: PATH.{epoch}.parquet as OpenChat's generate_dataset makes them (optionally C-RLFT), PATH.0.jsonl",
  kind: 'format',
  options: Options,
  scope: 'global',
  // PATH is a prefix: the quarantine goes beside its folder, the report into sftforge.json unless asked.
  output: (o, env) => writerOutput(o, env, { rejects: (p) => `${dirname(p)}.rejects.jsonl`, report: () => undefined }),
  async create(o, env) {
    const prefix = env.resolve(o.path);
    const open = () =>
      OpenChatWriter.open({
        prefix,
        tokenizer: o.tokenizer,
        template: o.template,
        modelType: o.model_type,
        epochs: o.epochs,
        seed: o.seed,
        perSequenceLoss: o.per_sequence_loss,
        maxContext: o.max_context,
        condition: o.condition,
        crlft: o.crlft,
        tokenize: o.tokenize,
        jsonl: o.jsonl,
        hub: hubOptions(o),
      });
    // Opened once at build time so that an unknown model type fails before any work.
    let first: OpenChatWriter | undefined = await open();
    return {
      name: 'write_parquet_openchat',
      async *run(input, ctx) {
        const w = first ?? (await open());
        first = undefined;
        let done: OpenChatResult | undefined;
        ctx.outputs.add({
          prepare: async () => {
            done = await w.prepare();
            ctx.stats.count('rows', done.rows);
            const report = ctx.finalReport?.();
            const manifest: TokenizedManifest = {
              sftforge_version: version(),
              kind: 'tokenized',
              format: 'parquet-openchat',
              template: o.template,
              tokenizer: o.tokenizer,
              tokenizer_sha256: w.tokenizerSha256,
              max_len: w.maxContext,
              chunk: 'truncate',
              pack: false,
              tokenize: o.tokenize,
              loss_weights: true,
              rows: done.rows,
              shards: done.files,
              features: openChatFeatures(),
              report: report ? reportWithoutTimings(report) : (undefined as never),
              added_tokens: w.addedTokens,
              vocab_size: w.vocabSize,
              openchat: { model_type: done.modelType, epochs: done.files.length, jsonl: `${prefix.split('/').pop()}.0.jsonl` },
            };
            await writeFileAtomic(join(dirname(prefix), 'sftforge.json'), JSON.stringify(manifest, null, 2) + '\n');
            await writeFileAtomic(join(dirname(prefix), TOKENIZER_CONFIG), JSON.stringify(w.tokenizerConfig(), null, 2) + '\n');
          },
          commit: () => w.publish(),
          abort: () => w.abort(),
        });
        // Rejects from the writer take the place of their record, so input order holds.
        let batch: Item[] = [];
        const flush = async function* () {
          const convs = batch.filter((x) => !isReject(x)) as Conversation[];
          const res = await w.writeBatch(convs);
          let k = 0;
          for (const x of batch) yield isReject(x) ? x : (res[k++] ?? x);
          batch = [];
        };
        for await (const it of input) {
          batch.push(it);
          if (batch.length >= o.batch_size) yield* flush();
        }
        yield* flush();
      },
    };
  },
});
