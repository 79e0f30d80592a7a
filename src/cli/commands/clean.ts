/** `sftforge clean`: a preset pipeline — read → clean → filters and dedup in their fixed order → write_jsonl. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { StepSpec } from '../../core/pipeline.js';
import { execute } from '../../exec/executor.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { floatOption, inputFormatFlags, intOption, listOption, positiveOption, signalOnSigint } from '../options.js';

/**
 * The filter order (src/filter/build-stages.ts says why): model → turns → exact dedup → blocked
 * words → unwanted phrases → language → near dedup.
 */
export function cleanSteps(inputs: string[], o: Record<string, any>): StepSpec[] {
  if (o.modelInverse && o.model === undefined) throw new UsageError('--model-inverse needs --model', 'e.g. --model "Model: GPT-4" --model-inverse');
  if (!['mask', 'drop', 'off'].includes(o.unwanted ?? 'off')) throw new UsageError(`--unwanted ${o.unwanted}: use mask, drop or off`);
  if (o.unwantedPhrases !== undefined && (o.unwanted ?? 'off') === 'off') throw new UsageError('--unwanted-phrases given without --unwanted mask|drop', 'add --unwanted mask (keep, untrain the turn) or --unwanted drop');
  if (o.nearDedup !== undefined && !(o.nearDedup > 0 && o.nearDedup < 1)) throw new UsageError(`--near-dedup must be a similarity in (0, 1), got ${o.nearDedup}`, 'e.g. --near-dedup 0.8');
  const steps: StepSpec[] = [
    { stage: 'read', paths: inputs, ...(o.inputFormat ? { format: o.inputFormat } : {}), ...defined({ max_record_bytes: o.maxRecordBytes, max_json_depth: o.maxJsonDepth }) },
    { stage: 'clean', ...defined({ max_depth: o.maxDepth, min_chars: o.minChars, workers: o.workers }) },
  ];
  if (o.model !== undefined) steps.push({ stage: 'filter_model', model: o.model, inverse: !!o.modelInverse });
  if (o.minTurns !== undefined || o.maxTurns !== undefined) steps.push({ stage: 'filter_turns', ...defined({ min_turns: o.minTurns, max_turns: o.maxTurns }) });
  if (o.dedup !== false) steps.push({ stage: 'dedup_exact' });
  if (o.blockedWords !== undefined) steps.push({ stage: 'filter_blocked_words', words: o.blockedWords });
  if (o.unwanted === 'mask' || o.unwanted === 'drop') steps.push({ stage: 'filter_unwanted', mode: o.unwanted, ...defined({ phrases: o.unwantedPhrases }) });
  if (o.lang?.length) steps.push({ stage: 'filter_lang', langs: o.lang });
  if (o.nearDedup !== undefined) steps.push({ stage: 'dedup_near', threshold: o.nearDedup });
  steps.push({ stage: 'write_jsonl', path: o.output, ...defined({ rejects: o.rejects, report: o.report }) });
  return steps;
}

export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function register(program: Command): void {
  const cmd = program
    .command('clean')
    .description('Clean raw chat dumps (ShareGPT JSON/JSONL/.gz/pages, UltraChat, OpenAI messages, instruction formats) into ShareGPT JSONL')
    .argument('<input...>', 'files or folders (recursive)')
    .requiredOption('-o, --output <file>', 'cleaned ShareGPT JSONL')
    .option('--report <file>', 'report JSON (default OUTPUT.report.json)')
    .option('--rejects <file>', 'quarantine JSONL (default OUTPUT.rejects.jsonl)');
  inputFormatFlags(cmd)
    .option('--workers <n>', 'worker threads (default: number of cores)', positiveOption('--workers', 1024))
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
    .option('-q, --quiet', 'no progress or table on stderr');
  addShardOptions(cmd).action(async (inputs: string[], o) => {
    const steps = cleanSteps(inputs, o);
    await execute({ name: 'clean', steps }, { shard: shardFromOptions(o), workers: o.workers, quiet: o.quiet, signal: signalOnSigint() });
  });
}
