/** `sftforge clean`: argument parsing only; the work is runClean in src/clean/. */
import type { Command } from 'commander';
import { runClean, type RunCleanOptions } from '../../clean/run-clean.js';
import type { InputFormat } from '../../core/types.js';
import { UsageError } from '../../core/errors.js';
import { intOption, floatOption, listOption, signalOnSigint, inputFormatOption, INPUT_FORMAT_HELP } from '../options.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { runCleanRank } from '../../exec/shard-clean.js';

export function register(program: Command): void {
  const cmd = program
    .command('clean')
    .description('Clean raw chat dumps (ShareGPT JSON/JSONL/.gz/pages, UltraChat, OpenAI messages) into ShareGPT JSONL')
    .argument('<input...>', 'files or folders (recursive)')
    .requiredOption('-o, --output <file>', 'cleaned ShareGPT JSONL')
    .option('--report <file>', 'report JSON (default OUTPUT.report.json)')
    .option('--rejects <file>', 'quarantine JSONL (default OUTPUT.rejects.jsonl)')
    .option('--format <format>', INPUT_FORMAT_HELP, inputFormatOption('--format'))
    .option('--workers <n>', 'worker threads (default: number of cores)', intOption)
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
    .option('--max-depth <n>', 'deepest HTML nesting accepted (too_deep)', intOption)
    .option('--min-chars <n>', 'fewest characters per conversation (too_short)', intOption)
    .option('-q, --quiet', 'no progress or table on stderr');
  addShardOptions(cmd).action(async (inputs: string[], o) => {
      if (!['mask', 'drop', 'off'].includes(o.unwanted)) throw new UsageError(`--unwanted ${o.unwanted}: use mask, drop or off`);
      const shard = shardFromOptions(o);
      const options: RunCleanOptions = {
        inputs,
        output: o.output,
        report: o.report,
        rejects: o.rejects,
        format: o.format as InputFormat | undefined,
        workers: o.workers,
        dedup: o.dedup,
        nearDedup: o.nearDedup,
        model: o.model,
        modelInverse: o.modelInverse,
        lang: o.lang,
        blockedWords: o.blockedWords,
        unwanted: o.unwanted,
        unwantedPhrases: o.unwantedPhrases,
        minTurns: o.minTurns,
        maxTurns: o.maxTurns,
        clean: { maxDepth: o.maxDepth, minChars: o.minChars },
        quiet: o.quiet,
        signal: signalOnSigint(),
      };
      await (shard ? runCleanRank(options, shard) : runClean(options));
    });
}
