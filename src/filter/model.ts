/**
 * Model filter (`--model "Model: GPT-4"`, `--model-inverse`), as OpenChat's
 * ochat/data/filter_sharegpt.py: `(sample.get("model", "") == args.model) ^ args.inverse`, an
 * exact, case-sensitive string comparison on the record's `model` field, a missing field being
 * the empty string. ShareGPT dumps carry "Model: GPT-4" on GPT-4 conversations and an empty or
 * missing field on the others, so `--model "" ` keeps exactly the ones with no model.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { reject } from '../core/types.js';
import { mapStage, type Stage } from '../core/stage.js';

export interface ModelFilterOptions {
  /** The exact `model` value to keep, e.g. "Model: GPT-4". */
  model: string;
  /** Keep the records whose model is NOT `model` instead. */
  inverse?: boolean;
}

/** True when the record is kept. */
export function modelMatches(conv: Pick<Conversation, 'model'>, opts: ModelFilterOptions): boolean {
  return ((conv.model ?? '') === opts.model) !== (opts.inverse ?? false);
}

export function filterModel(conv: Conversation, opts: ModelFilterOptions): Conversation | RejectMarker {
  if (modelMatches(conv, opts)) return conv;
  const got = JSON.stringify(conv.model ?? '');
  return reject({
    reason: 'model_filter',
    detail: opts.inverse ? `model is ${got}, excluded by --model-inverse` : `model is ${got}, not ${JSON.stringify(opts.model)}`,
    source: conv.source,
    id: conv.id,
    record: conv,
  });
}

export function modelFilter(opts: ModelFilterOptions): Stage {
  return mapStage<Conversation, Conversation>('model_filter', (conv) => filterModel(conv, opts));
}
