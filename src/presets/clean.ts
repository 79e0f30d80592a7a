/** The `clean` subcommand as a list of stages: what `sftforge clean` runs, built from its options. */
import { UsageError } from '../core/errors.js';
import type { StepSpec } from '../core/pipeline.js';

/**
 * The stages of `clean`, the filters in a fixed order:
 *
 *   model → turns → exact dedup → blocked words → unwanted phrases → language → near dedup
 *
 * The model filter comes before exact dedup: two identical conversations from different models
 * are duplicates of each other, and dedup would keep the first even if the model filter then
 * drops it (losing the GPT-4 copy). The other filters depend on content only, so identical
 * conversations share their fate and order only changes cost: cheap checks first, exact dedup
 * early (it saves later work on copies), language and near dedup (the costliest, and the one
 * whose memory grows with what it keeps) last.
 */
export function cleanSteps(inputs: string[], o: Record<string, any>): StepSpec[] {
  if (o.modelInverse && o.model === undefined) throw new UsageError('--model-inverse needs --model', 'e.g. --model "Model: GPT-4" --model-inverse');
  if (!['mask', 'drop', 'off'].includes(o.unwanted ?? 'off')) throw new UsageError(`--unwanted ${o.unwanted}: use mask, drop or off`);
  if (o.unwantedPhrases !== undefined && (o.unwanted ?? 'off') === 'off')
    throw new UsageError('--unwanted-phrases given without --unwanted mask|drop', 'add --unwanted mask (keep, untrain the turn) or --unwanted drop');
  if (o.nearDedup !== undefined && !(o.nearDedup > 0 && o.nearDedup < 1)) throw new UsageError(`--near-dedup must be a similarity in (0, 1), got ${o.nearDedup}`, 'e.g. --near-dedup 0.8');
  const steps: StepSpec[] = [
    {
      stage: 'read',
      paths: inputs,
      ...(o.inputFormat ? { format: o.inputFormat } : {}),
      ...defined({ max_record_bytes: o.maxRecordBytes, max_json_depth: o.maxJsonDepth, strict: o.strict ? true : undefined }),
    },
    { stage: 'clean', ...defined({ max_depth: o.maxDepth, min_chars: o.minChars, workers: o.workers }) },
  ];
  if (o.model !== undefined) steps.push({ stage: 'filter_model', model: o.model, inverse: !!o.modelInverse });
  if (o.minTurns !== undefined || o.maxTurns !== undefined) steps.push({ stage: 'filter_turns', ...defined({ min_turns: o.minTurns, max_turns: o.maxTurns }) });
  if (o.dedup !== false) steps.push({ stage: 'dedup_exact' });
  if (o.blockedWords !== undefined) steps.push({ stage: 'filter_blocked_words', words: o.blockedWords });
  if (o.unwanted === 'mask' || o.unwanted === 'drop') steps.push({ stage: 'filter_unwanted', mode: o.unwanted, ...defined({ phrases: o.unwantedPhrases }) });
  if (o.lang?.length) steps.push({ stage: 'filter_lang', langs: o.lang });
  if (o.nearDedup !== undefined) steps.push({ stage: 'dedup_near', threshold: o.nearDedup });
  const writer = o.outputFormat === undefined || o.outputFormat === 'sharegpt' ? 'write_jsonl' : o.outputFormat === 'messages' ? 'write_messages' : undefined;
  if (!writer) throw new UsageError(`--output-format ${o.outputFormat}: use sharegpt or messages`);
  steps.push({ stage: writer, path: o.output, ...defined({ rejects: o.rejects, report: o.report }) });
  return steps;
}

export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
