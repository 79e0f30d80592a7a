/** `sftforge clean`: a preset pipeline — read → clean → filters and dedup in their fixed order → write_jsonl. */
import type { Command } from 'commander';
import { preloadStages } from '../../core/registry.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { floatOption, inputFormatFlags, intOption, listOption, positiveOption, signalOnSigint } from '../options.js';

export function register(program: Command): void {
  const cmd = program
    .command('clean')
    .description('Clean raw chat dumps (ShareGPT JSON/JSONL/.gz/pages, UltraChat, OpenAI messages, instruction formats) into ShareGPT JSONL')
    .argument('<input...>', 'files or folders (recursive)')
    .requiredOption('-o, --output <file>', 'cleaned ShareGPT JSONL')
    .option('--report <file>', 'report JSON (default OUTPUT.report.json)')
    .option('--rejects <file>', 'quarantine JSONL (default OUTPUT.rejects.jsonl)')
    .option('--output-format <format>', 'sharegpt ({id, conversations}, default) or messages ({id, dataset, messages}: TRL, axolotl, open-instruct)');
  inputFormatFlags(cmd)
    .option('--workers <n>', 'threads that clean, this one included (default: number of cores; one below 24 MB of input)', positiveOption('--workers', 1024))
    .option('--no-dedup', 'keep exact duplicates')
    .option('--near-dedup <threshold>', 'drop near duplicates above this Jaccard similarity (MinHash LSH), e.g. 0.8', floatOption)
    .option('--model <name>', 'keep records whose model field equals this, e.g. "Model: GPT-4"')
    .option('--model-inverse', 'with --model: keep the records that do not match')
    .option('--lang <codes>', 'keep conversations in these languages (comma list of ISO 639-1 codes)', listOption)
    .option('--blocked-words <file-or-list>', 'drop conversations containing any of these words (file, one per line, or comma list)')
    .option('--unwanted <mode>', 'unwanted phrases ("As an AI language model"): mask (weight 0), drop, or off', 'off')
    .option('--unwanted-phrases <file>', 'phrase list (default configs/unwanted_phrases.txt)')
    .option('--min-turns <n>', 'fewest user+assistant turns', intOption)
    .option('--max-turns <n>', 'most user+assistant turns', intOption)
    .option('--max-depth <n>', 'deepest HTML nesting accepted (too_deep)', positiveOption('--max-depth', 100_000))
    .option('--max-json-depth <n>', 'deepest JSON nesting of a record (too_deep, checked before parsing)', positiveOption('--max-json-depth', 1_000_000))
    .option('--max-record-bytes <n>', 'largest record in bytes (too_large)', positiveOption('--max-record-bytes', 2 ** 40))
    .option('--min-chars <n>', 'fewest characters per conversation (too_short)', intOption)
    .option('--strict', 'fail (exit 2) when an input yields no readable record or looks like another format')
    .option('-q, --quiet', 'no progress or table on stderr');
  addShardOptions(cmd).action(async (inputs: string[], o) => {
    // Imported here, not at the top: a command loads only what it runs (start-up, issue #16).
    // The executor and the steps' stage files load side by side, not one file graph after another.
    const executor = import('../../exec/executor.js');
    executor.catch(() => undefined); // awaited below, after cleanSteps' usage errors
    const { cleanSteps } = await import('../../presets/clean.js');
    const steps = cleanSteps(inputs, o);
    // Also in buildPipeline; here the stage files load while the executor does, not after it.
    preloadStages(steps.map((s) => (s as { stage: string }).stage));
    const { execute } = await executor;
    await execute({ name: 'clean', steps }, { shard: shardFromOptions(o), workers: o.workers, quiet: o.quiet, signal: signalOnSigint() });
  });
}
