/**
 * `write_hf`: tokenized rows — or, with no tokenize step before it, conversations as messages rows
 * `{id, dataset, messages: [{role, content}]}` (writers/messages-arrow.ts) — as the folder
 * `datasets.save_to_disk` writes: Arrow stream shards, `dataset_info.json`, `state.json` — plus
 * `sftforge.json` (how the rows were made, rows and sha256 per shard, the report; `kind:
 * 'messages'` for conversations) and, for tokenized rows, a `tokenizer_config.json` fragment (the
 * chat template and special tokens they were made with). Records routed to splits (the `split`
 * stage) become a `DatasetDict` folder: one dataset per split and `dataset_dict.json`.
 */
import { ensureDir } from '../../core/atomic.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { UsageError } from '../../core/errors.js';
import { type Conversation, isReject } from '../../core/types.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { writerOutput } from '../../io/stages/write_jsonl.js';
import { packageRoot } from '../../exec/paths.js';
import { readTokenizerConfig } from '../setup.js';
import type { OutRow } from '../writers/arrow-batch.js';
import type { HfDatasetSummary, HfDatasetWriter } from '../writers/hf-dataset.js';
import { reportWithoutTimings, type TokenizedManifest } from '../writers/manifest.js';
import type { MessagesManifest, MessagesDatasetWriter } from '../writers/messages-arrow.js';
import { TOKENIZER_CONFIG, tokenizerConfigFragment } from '../writers/tokenizer-config.js';
import type { TokenizeInfo, TokenizeStage } from './tokenize.js';

const Options = z
  .object({
    /** The dataset folder. */
    path: z.string().min(1),
    /** Bytes per Arrow shard (default 500 MB). */
    shard_size: z.number().int().min(1).optional(),
    /** Quarantine JSONL (default PATH.rejects.jsonl beside the folder; false: none). */
    rejects: z.union([z.string().min(1), z.literal(false)]).optional(),
    /** Report JSON (default none: the report is in sftforge.json; a path writes it there too). */
    report: z.union([z.string().min(1), z.literal(false)]).optional(),
  })
  .strict();

export default defineStage({
  name: 'write_hf',
  description: 'tokenized rows (or, without tokenize, messages rows {id, dataset, messages}) as a datasets.save_to_disk folder (Arrow stream shards) with sftforge.json; splits → DatasetDict',
  kind: 'format',
  options: Options,
  scope: 'global',
  // Quarantine beside the folder (the folder holds only what a trainer loads); report in sftforge.json unless asked.
  output: (o, env) => writerOutput(o, env, { rejects: (p) => `${p}.rejects.jsonl`, report: () => undefined }),
  create(o, env) {
    const dir = env.resolve(o.path).replace(/[\\/]+$/, '');
    const up = [...env.upstream].reverse();
    const tok = (up.find((u) => u.name === 'tokenize')?.stage as TokenizeStage | undefined)?.info;
    const packed = up.some((u) => u.name === 'pack');
    // pack merges rows of both splits into shared rows: refuse rather than leak test into train.
    const splitAt = up.findIndex((u) => u.name === 'split');
    if (splitAt >= 0 && up.slice(0, splitAt).some((u) => u.name === 'pack')) {
      throw new UsageError(`write_hf ${o.path}: a pack step after split would mix train and test rows`, 'split after pack, or pack each split in its own pipeline');
    }
    const columns = { lossWeights: tok?.options.loss_weights ?? false, packed };
    return {
      name: 'write_hf',
      async *run(input, ctx) {
        const writers = new Map<string, SplitWriter>();
        // The Arrow writers (apache-arrow: ~0.1 s of this thread to load) are loaded when the first
        // row arrives, while the tokenizer works on the next batches, not before the first batch
        // can start. Rows wait in `held` meanwhile and go to the writer in the same order (the
        // same record batches, the same bytes); the writer buffers that many rows itself anyway.
        let modules: Promise<WriterClasses> | undefined;
        let loaded: WriterClasses | undefined;
        const load = () => {
          if (!modules) {
            modules = loadWriterClasses(!!tok);
            modules.then(
              (m) => (loaded = m),
              () => undefined, // awaited below, where the error surfaces
            );
          }
          return modules;
        };
        const held: { key: string; row: OutRow | Conversation }[] = [];
        // Split keys seen (their folders made), checked as each first appears.
        const keys = new Map<string, string>();
        const keyFor = async (split: string | undefined) => {
          const key = split ?? '';
          if (!keys.has(key)) {
            if ((split === undefined && keys.size > 0) || (split !== undefined && keys.has(''))) {
              throw new Error(`write_hf ${dir}: some rows have a split and some do not`);
            }
            if (split === undefined && splitAt >= 0) throw new Error(`write_hf ${dir}: a row reached it without the split tag the split step sets`);
            const d = split === undefined ? dir : join(dir, split);
            await ensureDir(d);
            keys.set(key, d);
          }
          return key;
        };
        const writerFor = (key: string, m: WriterClasses) => {
          let w = writers.get(key);
          if (!w) {
            const d = keys.get(key)!;
            w = tok ? new m.HfDatasetWriter!(d, columns, { shardBytes: o.shard_size }) : new m.MessagesDatasetWriter!(d, { shardBytes: o.shard_size });
            writers.set(key, w);
          }
          return w;
        };
        const drain = async (m: WriterClasses) => {
          for (let i = 0; i < held.length; i++) {
            const { key, row } = held[i]!;
            const w = writerFor(key, m);
            if (tok) await (w as HfDatasetWriter).write(row as OutRow);
            else await (w as MessagesDatasetWriter).writeConversation(row as Conversation);
          }
          held.length = 0;
        };
        ctx.outputs.add({
          prepare: async () => {
            // No records: still a folder datasets opens (empty train and test after a split step).
            if (writers.size === 0) {
              const m = await load();
              for (const s of splitAt >= 0 ? ['test', 'train'] : [undefined]) writerFor(await keyFor(s), m);
            }
            const splits = [...writers.keys()].filter((k) => k !== '').sort();
            const report = ctx.finalReport?.();
            for (const [, w] of [...writers.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
              const done = await w.finish();
              if (tok) await writeManifest(w.dir, tok, packed, done, report);
              else await writeMessagesManifest(w.dir, done, report);
            }
            if (splits.length) await writeFileAtomic(join(dir, 'dataset_dict.json'), JSON.stringify({ splits }) + '\n');
          },
          commit: async () => undefined,
          abort: async () => {
            for (const w of writers.values()) await w.abort();
          },
          late: true,
        });
        for await (const it of input) {
          if (!isReject(it)) {
            const row = it as (OutRow | Conversation) & { split?: string };
            held.push({ key: await keyFor(row.split), row });
            if (loaded || held.length >= HOLD_ROWS) await drain(loaded ?? (await load()));
            else void load();
          }
          yield it;
        }
        if (held.length) await drain(await load());
        // Counted as the input ends, before the runner takes the report sftforge.json holds.
        let weights = 0;
        let tools = 0;
        if (!tok) {
          for (const w of writers.values()) {
            weights += (w as MessagesDatasetWriter).weightsDropped;
            tools += (w as MessagesDatasetWriter).toolCallsDropped;
          }
        }
        if (weights) ctx.stats.count('messages_weight_not_written', weights);
        if (tools) ctx.stats.count('messages_tool_calls_not_written', tools);
      },
    };
  },
});

type SplitWriter = HfDatasetWriter | MessagesDatasetWriter;

/** Rows held before the writer classes are loaded at most (then the stage waits for them). */
const HOLD_ROWS = 1000;

interface WriterClasses {
  HfDatasetWriter?: typeof HfDatasetWriter;
  MessagesDatasetWriter?: typeof MessagesDatasetWriter;
}

async function loadWriterClasses(tokenized: boolean): Promise<WriterClasses> {
  if (tokenized) return { HfDatasetWriter: (await import('../writers/hf-dataset.js')).HfDatasetWriter };
  return { MessagesDatasetWriter: (await import('../writers/messages-arrow.js')).MessagesDatasetWriter };
}

async function writeMessagesManifest(dir: string, done: HfDatasetSummary, report: Parameters<typeof reportWithoutTimings>[0] | undefined): Promise<void> {
  const manifest: MessagesManifest = {
    sftforge_version: version(),
    kind: 'messages',
    format: 'hf',
    rows: done.rows,
    shards: done.shards,
    features: done.features,
    fingerprint: done.fingerprint,
    report: report ? reportWithoutTimings(report) : (undefined as never),
  };
  await writeFileAtomic(join(dir, 'sftforge.json'), JSON.stringify(manifest, null, 2) + '\n');
}

async function writeManifest(dir: string, tok: TokenizeInfo, packed: boolean, done: HfDatasetSummary, report: Parameters<typeof reportWithoutTimings>[0] | undefined): Promise<void> {
  const o = tok.options;
  const manifest: TokenizedManifest = {
    sftforge_version: version(),
    kind: 'tokenized',
    format: 'hf',
    template: o.template,
    tokenizer: o.tokenizer,
    tokenizer_sha256: tok.built.tokenizer.sha256,
    max_len: o.max_len,
    chunk: o.chunk,
    pack: packed,
    tokenize: o.tokenize,
    loss_weights: o.loss_weights,
    rows: done.rows,
    shards: done.shards,
    features: done.features,
    fingerprint: done.fingerprint,
    report: report ? reportWithoutTimings(report) : (undefined as never),
    added_tokens: tok.built.tokenizer.spec.added.map((t) => ({ content: t.content, id: t.id, appended: t.appended })),
    vocab_size: tok.built.tokenizer.spec.vocabSize,
  };
  await writeFileAtomic(join(dir, 'sftforge.json'), JSON.stringify(manifest, null, 2) + '\n');
  const fragment = tokenizerConfigFragment({ template: o.template, config: await readTokenizerConfig(tok.files), tokenizer: tok.built.tokenizer, templateSpecials: tok.built.template.specialTokens });
  await writeFileAtomic(join(dir, TOKENIZER_CONFIG), JSON.stringify(fragment, null, 2) + '\n');
}

let cached: string | undefined;
export function version(): string {
  cached ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
