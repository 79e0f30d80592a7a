/**
 * `tokenize` as a function: conversations → rendered, tokenized, masked, checked, fitted to
 * max-len (formatter.ts, on worker threads when asked) → packed (optional) → HF `save_to_disk`
 * shards or OpenChat Parquet, plus `sftforge.json`. Rejects go to the quarantine beside the output
 * folder (`DIR.rejects.jsonl` by default, so the folder holds only what a trainer loads).
 */
import { mkdir, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Conversation, InputFormat, RejectMarker } from '../core/types.js';
import { isReject } from '../core/types.js';
import { Report, type ReportJson } from '../core/report.js';
import { Quarantine } from '../core/quarantine.js';
import { startProgress } from '../core/progress.js';
import { SftforgeError, UsageError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { expandInputs } from '../io/files.js';
import { readConversations } from '../io/read.js';
import { packageRoot } from '../exec/paths.js';
import { formatMixed, type MixedOut } from './batch.js';
import type { ChunkMode } from './chunk.js';
import type { FormatRow } from './formatter.js';
import { PackSpill } from './pack.js';
import type { TokenizeMode } from './pieces.js';
import { batchesOf, orderedBatches } from './pool.js';
import { buildFormatter, readTokenizerConfig, type FormatterSetup } from './setup.js';
import { TOKENIZER_CONFIG, tokenizerConfigFragment } from './writers/tokenizer-config.js';
import type { BackendChoice } from './tokenizer/index.js';
import type { HubOptions } from './tokenizer/hub.js';
import { resolveTokenizer } from './tokenizer/source.js';
import type { OutRow } from './writers/arrow-batch.js';
import type { ShardInfo } from './writers/arrow-shard.js';
import { hfFeatures } from './writers/features.js';
import { HfDatasetWriter } from './writers/hf-dataset.js';
import { reportWithoutTimings, type TokenizedManifest } from './writers/manifest.js';
import { OpenChatParquetWriter, openChatFeatures, type OpenChatWriterOptions } from './writers/parquet-openchat.js';
import { runOpenChatTokenize } from './run-openchat.js';
import { openChatModelType, tokenizerFamily } from './openchat/model-types.js';

export type OutputFormat = 'hf' | 'parquet-openchat';

export interface TokenizeOptions {
  inputs: string[];
  output: string;
  tokenizer: string;
  template: string;
  /** `hf` template variables, e.g. {"enable_thinking": false}. */
  templateKwargs?: Record<string, unknown>;
  maxLen?: number;
  chunk?: ChunkMode;
  pack?: boolean;
  format?: OutputFormat;
  workers?: number;
  lossWeights?: boolean;
  tokenize?: TokenizeMode;
  rejects?: string;
  report?: string;
  /** Bytes per Arrow shard (default 500 MB). */
  shardSize?: number;
  inputFormat?: InputFormat;
  backend?: BackendChoice;
  hub?: HubOptions;
  quiet?: boolean;
  signal?: AbortSignal;
  /** Tests: conversations per batch. */
  batchSize?: number;
  /** Sharded runs (src/exec/shard-tokenize.ts): format only the input records whose 0-based ordinal passes. */
  select?: (ordinal: number) => boolean;
  /** parquet-openchat: epochs, seed, model type, C-RLFT, per-sequence loss (OpenChatWriterOptions). */
  openchat?: Partial<Omit<OpenChatWriterOptions, 'prefix' | 'tokenizer' | 'template'>>;
  /** Sharded runs: called per formatted record, in order, with its row count (-1: quarantined). */
  onItem?: (rows: number) => void | Promise<void>;
}

export interface TokenizeResult {
  manifest: TokenizedManifest;
  report: ReportJson;
  rejectsPath: string;
}

export const PARQUET_FILE = 'openchat.train.parquet';

export interface Sink {
  write(r: OutRow): Promise<void>;
  finish(): Promise<{ shards: ShardInfo[]; rows: number; fingerprint?: string }>;
  abort(): Promise<void>;
}

function validate(o: TokenizeOptions): Required<Pick<TokenizeOptions, 'maxLen' | 'chunk' | 'format' | 'tokenize'>> {
  const maxLen = o.maxLen ?? 2048;
  if (!Number.isInteger(maxLen) || maxLen < 8) throw new UsageError(`--max-len ${o.maxLen}: use a whole number of at least 8 tokens`);
  const chunk = o.chunk ?? 'split';
  if (!['split', 'truncate', 'drop'].includes(chunk)) throw new UsageError(`--chunk ${chunk}: use split, truncate or drop`);
  const format = o.format ?? 'hf';
  if (!['hf', 'parquet-openchat'].includes(format)) throw new UsageError(`--format ${format}: use hf or parquet-openchat`);
  const tokenize = o.tokenize ?? (format === 'parquet-openchat' ? 'segments' : 'whole');
  if (!['whole', 'segments'].includes(tokenize)) throw new UsageError(`--tokenize ${tokenize}: use whole or segments`);
  return { maxLen, chunk, format, tokenize };
}

export async function runTokenize(o: TokenizeOptions): Promise<TokenizeResult> {
  const v = validate(o);
  // OpenChat's output tokenizes as OpenChat does (segments, weights, its context, epochs): its own path.
  if (v.format === 'parquet-openchat' && !o.select && !o.pack) return runOpenChatTokenize(o, version());
  const dir = resolve(o.output);
  const rejectsPath = o.rejects ?? `${dir.replace(/[\\/]+$/, '')}.rejects.jsonl`;
  const lossWeights = o.lossWeights ?? false;
  const files = await resolveTokenizer(o.tokenizer, o.hub);
  const setup: FormatterSetup = { template: o.template, templateKwargs: o.templateKwargs, tokenizer: files, backend: o.backend ?? 'auto', format: { maxLen: v.maxLen, chunk: v.chunk, tokenize: v.tokenize } };
  const built = await buildFormatter(setup);
  if (built.tokenizer.fallbackReason && !o.quiet) process.stderr.write(`tokenize: using the pure-JS tokenizer (${built.tokenizer.fallbackReason})\n`);
  await mkdir(dir, { recursive: true });

  const report = new Report('tokenize');
  const quarantine = await new Quarantine(rejectsPath).open();
  const columns = { lossWeights: lossWeights && v.format === 'hf', packed: o.pack === true };
  const modelType = v.format === 'parquet-openchat' ? openChatModelType({ template: o.template, family: tokenizerFamily(built.tokenizer.spec.full.model.vocab), modelType: o.openchat?.modelType }) : o.template;
  const sink = await openSink(v.format, dir, columns, o, modelType);
  const spill = o.pack ? await new PackSpill(join(dir, `.pack-spill.tmp-${process.pid}`), true).open() : undefined;
  let totalBytes = 0;
  for (const f of await expandInputs(o.inputs)) totalBytes += (await stat(f)).size;
  const progress = startProgress(report, { totalBytes, quiet: o.quiet });
  const toOut = (r: FormatRow): OutRow => ({ id: r.id, input_ids: r.ids, labels: r.labels, loss_weights: r.weights });
  try {
    const source = selected(readConversations(o.inputs, { format: o.inputFormat, onBytes: (n) => (report.bytesIn += n) }), o.select);
    const batches = batchesOf<Conversation | RejectMarker>(source, o.batchSize ?? 128, 4 << 20, sizeOf);
    const results = orderedBatches<Conversation | RejectMarker, MixedOut>(batches, { workers: o.workers ?? 1, shared: setup }, (b) => formatMixed(built.formatter, b));
    for await (const out of results) {
      if (o.signal?.aborted) throw new SftforgeError('tokenize: interrupted; no dataset was written');
      for (const [k, n] of Object.entries(out.counters)) report.count(k, n);
      for (const it of out.items) {
        report.recordsIn++;
        progress.tick();
        if ('reject' in it) {
          report.reject(it.reject.reason);
          await quarantine.write(it.reject);
          await o.onItem?.(-1);
          continue;
        }
        report.recordsOut++;
        for (const r of it.rows) {
          if (spill) await spill.write(r.id, r.ids, r.labels, r.weights);
          else await sink.write(toOut(r));
        }
        await o.onItem?.(it.rows.length);
      }
    }
    if (spill) await writePacked(spill, sink, v.maxLen, report, columns.lossWeights || v.format === 'parquet-openchat');
    progress.stop();
    const done = await sink.finish();
    await quarantine.commit();
    report.finish();
    const json = report.toJSON();
    const manifest: TokenizedManifest = {
      sftforge_version: version(),
      kind: 'tokenized',
      format: v.format,
      template: o.template,
      tokenizer: o.tokenizer,
      tokenizer_sha256: built.tokenizer.sha256,
      max_len: v.maxLen,
      chunk: v.chunk,
      pack: o.pack === true,
      tokenize: v.tokenize,
      loss_weights: lossWeights,
      rows: done.rows,
      shards: done.shards,
      features: v.format === 'hf' ? hfFeatures(columns) : openChatFeatures(),
      fingerprint: done.fingerprint,
      report: reportWithoutTimings(json),
      added_tokens: built.tokenizer.spec.added.map((t) => ({ content: t.content, id: t.id, appended: t.appended })),
      vocab_size: built.tokenizer.spec.vocabSize,
    };
    await writeFileAtomic(join(dir, 'sftforge.json'), JSON.stringify(manifest, null, 2) + '\n');
    const fragment = tokenizerConfigFragment({ template: o.template, config: await readTokenizerConfig(files), tokenizer: built.tokenizer, templateSpecials: built.template.specialTokens });
    await writeFileAtomic(join(dir, TOKENIZER_CONFIG), JSON.stringify(fragment, null, 2) + '\n');
    if (o.report) await writeFileAtomic(o.report, JSON.stringify(json, null, 2) + '\n');
    if (!o.quiet) process.stderr.write(report.toTable() + '\n');
    return { manifest, report: json, rejectsPath };
  } catch (e) {
    progress.stop();
    await sink.abort();
    await quarantine.abort();
    throw e;
  } finally {
    await spill?.close();
  }
}

async function* selected<T>(src: AsyncIterable<T>, keep: ((ordinal: number) => boolean) | undefined): AsyncGenerator<T> {
  let ordinal = 0;
  for await (const x of src) {
    const i = ordinal++;
    if (!keep || keep(i)) yield x;
  }
}

function sizeOf(x: Conversation | RejectMarker): number {
  if (isReject(x)) return 64;
  let n = 0;
  for (const t of x.turns) n += t.content.length;
  return n;
}

/** `modelType`: the OpenChat MODEL_CONFIG_MAP key written in the Parquet metadata (parquet-openchat only). */
export async function openSink(format: OutputFormat, dir: string, columns: { lossWeights: boolean; packed: boolean }, o: TokenizeOptions, modelType: string): Promise<Sink> {
  if (format === 'hf') {
    const w = new HfDatasetWriter(dir, columns, { shardBytes: o.shardSize });
    return { write: (r) => w.write(r), finish: () => w.finish(), abort: () => w.abort() };
  }
  const w = await new OpenChatParquetWriter(join(dir, PARQUET_FILE), modelType).open();
  return {
    write: async (r) => void (await w.write(r)),
    finish: async () => {
      const s = await w.finish(PARQUET_FILE);
      return { shards: [s], rows: s.rows };
    },
    abort: () => w.abort(),
  };
}

export async function writePacked(spill: PackSpill, sink: Sink, maxLen: number, report: Report, weights: boolean): Promise<void> {
  const bins = await spill.plan(maxLen);
  let tokens = 0;
  for (const [k, bin] of bins.entries()) {
    const row = await spill.packedRow(bin, k);
    tokens += row.input_ids.length;
    if (!weights) delete row.loss_weights;
    await sink.write(row);
  }
  report.count('packed_rows', bins.length);
  report.count('pack_fill_rate', bins.length ? Math.round((tokens / (bins.length * maxLen)) * 1e4) / 1e4 : 0);
  if (spill.firstLabelsMasked) report.count('pack_first_labels_masked', spill.firstLabelsMasked);
}

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
