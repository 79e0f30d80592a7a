/** The `tokenize` subcommand as a list of stages: read → tokenize → (pack) → write_hf, or read → write_parquet_openchat / write_messages. */
import { UsageError } from '../core/errors.js';
import type { StepSpec } from '../core/pipeline.js';
import { defined } from './clean.js';

export function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UsageError(`${flag} ${v}: use ${allowed.join(', ')}`);
  return v as T;
}

export function tokenizeSteps(inputs: string[], o: Record<string, any>): StepSpec[] {
  const format = oneOf('--output-format', o.outputFormat ?? 'hf', ['hf', 'parquet-openchat', 'messages'] as const)!;
  const hub = defined({ revision: o.tokenizerRevision, cache_dir: o.cacheDir, hub_url: o.hubUrl, offline: o.offline ? true : undefined });
  const read: StepSpec = { stage: 'read', paths: inputs, ...defined({ format: o.inputFormat, strict: o.strict ? true : undefined }) };
  if (format === 'messages') return [read, { stage: 'write_messages', path: o.output, ...defined({ rejects: o.rejects, report: o.report }) }];
  if (format === 'parquet-openchat') {
    if (o.pack) throw new UsageError('--pack does not apply to --output-format parquet-openchat', "OpenChat's trainer packs batches itself");
    return [
      read,
      {
        stage: 'write_parquet_openchat',
        path: `${String(o.output).replace(/[\\/]+$/, '')}/openchat`,
        tokenizer: o.tokenizer,
        template: o.template,
        tokenize: oneOf('--tokenize', o.tokenize ?? 'segments', ['whole', 'segments'] as const),
        rejects: o.rejects ?? `${String(o.output).replace(/[\\/]+$/, '')}.rejects.jsonl`,
        ...defined({
          batch_size: o.batchSize,
          report: o.report,
          epochs: o.epochs,
          seed: o.seed,
          model_type: o.modelType,
          crlft: o.crlft ? true : undefined,
          per_sequence_loss: o.perSequenceLoss ? true : undefined,
          max_context: o.maxContext,
        }),
        ...hub,
      },
    ];
  }
  const steps: StepSpec[] = [
    read,
    {
      stage: 'tokenize',
      tokenizer: o.tokenizer,
      template: o.template,
      max_len: o.maxLen,
      chunk: oneOf('--chunk', o.chunk, ['split', 'truncate', 'drop'] as const),
      tokenize: oneOf('--tokenize', o.tokenize ?? 'whole', ['whole', 'segments'] as const),
      loss_weights: o.lossWeights === true,
      workers: o.workers,
      backend: oneOf('--tokenizer-backend', o.tokenizerBackend, ['auto', 'native', 'js'] as const),
      ...defined({ batch_size: o.batchSize }),
      ...defined({ template_kwargs: o.chatTemplateKwargs }),
      ...hub,
    },
  ];
  if (o.pack) steps.push({ stage: 'pack' });
  steps.push({ stage: 'write_hf', path: o.output, ...defined({ rejects: o.rejects, report: o.report, shard_size: o.shardSize }) });
  return steps;
}
