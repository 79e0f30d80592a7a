/** `sftforge tokenize`: argument parsing only; the work is runTokenize in src/format/. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { InputFormat } from '../../core/types.js';
import { runTokenize, type OutputFormat, type TokenizeOptions } from '../../format/run-tokenize.js';
import type { ChunkMode } from '../../format/chunk.js';
import type { TokenizeMode } from '../../format/pieces.js';
import type { BackendChoice } from '../../format/tokenizer/index.js';
import { intOption, signalOnSigint, inputFormatOption, INPUT_FORMAT_HELP } from '../options.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { runTokenizeRank } from '../../exec/shard-tokenize.js';

/** "500MB", "1.5GB", "200k" or a plain number of bytes. */
export function sizeOption(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`"${v}" is not a size (e.g. 500MB, 2GB, 1000000)`);
  const mult: Record<string, number> = { b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9 };
  const n = Math.round(Number(m[1]) * mult[(m[2] ?? 'b').toLowerCase()]!);
  if (n < 1) throw new InvalidArgumentError(`"${v}" is too small`);
  return n;
}

export function jsonObjectOption(v: string): Record<string, unknown> {
  let j: unknown;
  try {
    j = JSON.parse(v);
  } catch (e) {
    throw new InvalidArgumentError(`not JSON (${(e as Error).message})`);
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new InvalidArgumentError('expected a JSON object, e.g. {"enable_thinking": false}');
  return j as Record<string, unknown>;
}

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UsageError(`${flag} ${v}: use ${allowed.join(', ')}`);
  return v as T;
}

export function register(program: Command): void {
  const cmd = program
    .command('tokenize')
    .description('Render conversations with a chat template, tokenize, mask (trained = replies + end markers, checked on every sample), fit to max-len and write HF datasets shards or OpenChat Parquet')
    .argument('<input...>', 'cleaned conversations (ShareGPT JSON/JSONL, UltraChat, OpenAI messages); files or folders')
    .requiredOption('-o, --output <dir>', 'output folder (save_to_disk layout + sftforge.json)')
    .requiredOption('--tokenizer <spec>', 'tokenizer: a folder with tokenizer.json, a bundled name (llama2: LLaMA/LLaMA-2, mistral: Mistral-7B, qwen3: Qwen3; see docs/TOKENIZERS.md), or a Hub repo id')
    .requiredOption('--template <name>', 'chat template (e.g. openchat_3.5, vicuna_v1.1, llama-2, chatml, zephyr, tulu, ultralm, llama-3, hf)')
    .option('--chat-template-kwargs <json>', 'variables for --template hf, e.g. \'{"enable_thinking": false}\'', jsonObjectOption)
    .option('--max-len <n>', 'most tokens per row', intOption, 2048)
    .option('--chunk <mode>', 'over-long conversations: split (at rounds), truncate, or drop', 'split')
    .option('--pack', 'pack sequences into rows of max-len (first-fit-decreasing; position_ids restart per sequence)')
    .option('--format <format>', 'hf (datasets save_to_disk) or parquet-openchat', 'hf')
    .option('--workers <n>', 'worker threads (default 1: the Rust tokenizer already uses every core)', intOption, 1)
    .option('--loss-weights', 'also write loss_weights (the turn weight per trained token, OpenChat C-RLFT)')
    .option('--tokenize <mode>', 'whole (the rendered string at once, as at inference) or segments (OpenChat: prefix, content, end marker apart)', 'whole')
    .option('--rejects <file>', 'quarantine JSONL (default OUTPUT.rejects.jsonl, beside the folder)')
    .option('--report <file>', 'also write the run report here (it is always in OUTPUT/sftforge.json)')
    .option('--shard-size <size>', 'bytes per Arrow shard (e.g. 500MB)', sizeOption)
    .option('--input-format <format>', INPUT_FORMAT_HELP, inputFormatOption('--input-format'))
    .option('--tokenizer-backend <backend>', 'auto (Rust binding, else pure JS), native or js', 'auto')
    .option('--tokenizer-revision <rev>', 'Hub revision of a repo-id tokenizer', undefined)
    .option('--cache-dir <dir>', 'Hub tokenizer cache (default $SFTFORGE_CACHE/hub or ~/.cache/sftforge/hub)')
    .option('--hub-url <url>', 'Hub endpoint (default https://huggingface.co)')
    .option('--offline', 'never download a tokenizer (also HF_HUB_OFFLINE=1)')
    .option('-q, --quiet', 'no progress or table on stderr');
  addShardOptions(cmd).action(async (inputs: string[], o) => {
      const shard = shardFromOptions(o);
      const options: TokenizeOptions = {
        inputs,
        output: o.output,
        tokenizer: o.tokenizer,
        template: o.template,
        templateKwargs: o.chatTemplateKwargs,
        maxLen: o.maxLen,
        chunk: oneOf<ChunkMode>('--chunk', o.chunk, ['split', 'truncate', 'drop']),
        pack: o.pack === true,
        format: oneOf<OutputFormat>('--format', o.format, ['hf', 'parquet-openchat']),
        workers: o.workers,
        lossWeights: o.lossWeights === true,
        tokenize: oneOf<TokenizeMode>('--tokenize', o.tokenize, ['whole', 'segments']),
        rejects: o.rejects,
        report: o.report,
        shardSize: o.shardSize,
        inputFormat: o.inputFormat as InputFormat | undefined,
        backend: oneOf<BackendChoice>('--tokenizer-backend', o.tokenizerBackend, ['auto', 'native', 'js']),
        hub: { cacheDir: o.cacheDir, hubUrl: o.hubUrl, offline: o.offline === true, revision: o.tokenizerRevision },
        quiet: o.quiet === true,
        signal: signalOnSigint(),
      };
      await (shard ? runTokenizeRank(options, shard) : runTokenize(options));
    });
}
