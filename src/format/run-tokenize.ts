/**
 * `tokenize` as a function: the same preset pipeline the subcommand runs (src/presets/tokenize.ts:
 * read → tokenize → (pack) → write_hf, or read → write_parquet_openchat), through the one runner.
 * Kept for callers that want the manifest back.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ReportJson } from '../core/report.js';
import type { InputFormat } from '../core/types.js';
import '../stages.js';
import { execute } from '../exec/executor.js';
import { tokenizeSteps } from '../presets/tokenize.js';
import type { ChunkMode } from './chunk.js';
import type { TokenizeMode } from './pieces.js';
import type { BackendChoice } from './tokenizer/index.js';
import type { HubOptions } from './tokenizer/hub.js';
import type { OpenChatWriterOptions } from './writers/parquet-openchat.js';
import type { TokenizedManifest } from './writers/manifest.js';

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
  /** parquet-openchat: epochs, seed, model type, C-RLFT, per-sequence loss (OpenChatWriterOptions). */
  openchat?: Partial<Omit<OpenChatWriterOptions, 'prefix' | 'tokenizer' | 'template'>>;
}

export interface TokenizeResult {
  manifest: TokenizedManifest;
  report: ReportJson;
  rejectsPath: string;
}

export async function runTokenize(o: TokenizeOptions): Promise<TokenizeResult> {
  const dir = resolve(o.output);
  const rejectsPath = o.rejects ?? `${dir.replace(/[\\/]+$/, '')}.rejects.jsonl`;
  const oc = o.openchat ?? {};
  const steps = tokenizeSteps(o.inputs, {
    output: o.output,
    outputFormat: o.format ?? 'hf',
    tokenizer: o.tokenizer,
    template: o.template,
    chatTemplateKwargs: o.templateKwargs,
    maxLen: o.maxLen ?? 2048,
    chunk: o.chunk ?? 'split',
    pack: o.pack,
    workers: o.workers ?? 1,
    lossWeights: o.lossWeights,
    tokenize: o.tokenize,
    rejects: rejectsPath,
    report: o.report,
    shardSize: o.shardSize,
    inputFormat: o.inputFormat,
    tokenizerBackend: o.backend ?? 'auto',
    tokenizerRevision: o.hub?.revision,
    cacheDir: o.hub?.cacheDir,
    hubUrl: o.hub?.hubUrl,
    offline: o.hub?.offline,
    epochs: oc.epochs,
    seed: oc.seed,
    modelType: oc.modelType,
    crlft: oc.crlft === true || (typeof oc.crlft === 'object' && oc.crlft !== null),
    perSequenceLoss: oc.perSequenceLoss,
    maxContext: oc.maxContext,
    batchSize: o.batchSize,
  });
  const result = await execute({ name: 'tokenize', steps }, { quiet: o.quiet ?? true, signal: o.signal });
  const manifest = JSON.parse(await readFile(join(dir, 'sftforge.json'), 'utf8')) as TokenizedManifest;
  return { manifest, report: result!.outputs[result!.outputs.length - 1]!.report, rejectsPath };
}
