/** `sftforge tokenize`: a preset pipeline — read → tokenize → (pack) → write_hf, or read → write_parquet_openchat. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { inputFormatOption, INPUT_FORMAT_HELP, intOption, positiveOption, signalOnSigint } from '../options.js';

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

export function register(program: Command): void {
  const cmd = program
    .command('tokenize')
    .description(
      'Render conversations with a chat template, tokenize, mask (trained = replies + end markers, checked on every sample), fit to max-len and write HF datasets shards or OpenChat Parquet',
    )
    .argument('<input...>', 'cleaned conversations (ShareGPT JSON/JSONL, UltraChat, OpenAI messages, instruction formats); files or folders')
    .requiredOption('-o, --output <dir>', 'output folder (save_to_disk layout + sftforge.json)')
    .requiredOption(
      '--tokenizer <spec>',
      'tokenizer: a folder with tokenizer.json (or tokenizer.model), a bundled name (llama2, mistral, qwen3; see docs/TOKENIZERS.md), or a Hub repo id (looked up in the Hugging Face cache first)',
    )
    .requiredOption('--template <name>', 'chat template (e.g. openchat_3.5, vicuna_v1.1, llama-2, chatml, zephyr, tulu, ultralm, llama-3, hf)')
    .option('--chat-template-kwargs <json>', 'variables for --template hf, e.g. \'{"enable_thinking": false}\'', jsonObjectOption)
    .option('--max-len <n>', 'most tokens per row', positiveOption('--max-len', 10_000_000), 2048)
    .option('--chunk <mode>', 'over-long conversations: split (at rounds), truncate, or drop', 'split')
    .option('--pack', 'pack sequences into rows of max-len (first-fit-decreasing; position_ids restart per sequence)')
    .option('--output-format <format>', 'hf (datasets save_to_disk), parquet-openchat (OpenChat trainer files) or messages (JSONL for TRL/axolotl)')
    .option('--format <format>', 'deprecated spelling of --output-format')
    .option('--workers <n>', 'worker threads (default 1: the Rust tokenizer already uses every core)', positiveOption('--workers', 1024), 1)
    .option('--loss-weights', 'also write loss_weights (the turn weight per trained token, OpenChat C-RLFT)')
    .option('--tokenize <mode>', 'whole (the rendered string at once, as at inference) or segments (OpenChat: prefix, content, end marker apart); default whole, segments for parquet-openchat')
    .option('--epochs <n>', 'parquet-openchat: epoch files PREFIX.0..N-1.parquet (default 5, as OpenChat trains)', positiveOption('--epochs', 1000))
    .option('--seed <n>', 'parquet-openchat: shuffle seed (epoch e uses seed + e; default 42)', intOption)
    .option('--model-type <key>', 'parquet-openchat: OpenChat MODEL_CONFIG_MAP key (default: the one for the template and tokenizer)')
    .option('--crlft', 'parquet-openchat: C-RLFT, each record\'s model field picks its condition and weight (GPT-4: "GPT4 Correct", 1; GPT-3.5: "GPT3", 0.1)')
    .option('--per-sequence-loss', "parquet-openchat: weights divided by each sequence's token count, as OpenChat's option")
    .option('--max-context <n>', "parquet-openchat: tokens kept per conversation (default the model type's context)", positiveOption('--max-context', 10_000_000))
    .option('--rejects <file>', 'quarantine JSONL (default OUTPUT.rejects.jsonl, beside the folder)')
    .option('--report <file>', 'also write the run report here (it is always in OUTPUT/sftforge.json)')
    .option('--shard-size <size>', 'bytes per Arrow shard (e.g. 500MB)', sizeOption)
    .option('--input-format <format>', INPUT_FORMAT_HELP, inputFormatOption('--input-format'))
    .option('--tokenizer-backend <backend>', 'auto (Rust binding, else pure JS), native or js', 'auto')
    .option('--tokenizer-revision <rev>', 'Hub revision of a repo-id tokenizer', undefined)
    .option('--cache-dir <dir>', 'Hub tokenizer cache (default: the Hugging Face cache, then ~/.cache/sftforge/hub)')
    .option('--hub-url <url>', 'Hub endpoint (default https://huggingface.co)')
    .option('--offline', 'never download a tokenizer (also HF_HUB_OFFLINE=1)')
    .option('--strict', 'fail (exit 2) when an input yields no readable record or looks like another format')
    .option('-q, --quiet', 'no progress or table on stderr');
  addShardOptions(cmd).action(async (inputs: string[], o) => {
    if (o.format !== undefined) {
      process.stderr.write('sftforge: tokenize --format is deprecated: use --output-format\n');
      o.outputFormat ??= o.format;
    }
    // Imported here, not at the top: a command loads only what it runs (start-up, issue #16).
    const [{ execute }, { tokenizeSteps }] = await Promise.all([import('../../exec/executor.js'), import('../../presets/tokenize.js')]);
    const steps = tokenizeSteps(inputs, o);
    await execute({ name: 'tokenize', steps }, { shard: shardFromOptions(o), quiet: o.quiet, signal: signalOnSigint() });
  });
}
