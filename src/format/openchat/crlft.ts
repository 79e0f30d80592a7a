/**
 * OpenChat's C-RLFT (imoneoi/openchat README "Preparing Your Data"; arXiv 2309.11235): each
 * conversation carries a class `condition` that prefixes every role (`GPT4 Correct User:`), and its
 * assistant messages a loss weight by class: 1 for GPT-4 data, 0.1 for GPT-3.5 data (README: "e.g.
 * `0.1` for `GPT3` and `1` for `GPT4`, as found in our C-RLFT paper"). GPT-4 data uses
 * `GPT4 Correct`, the condition OpenChat 3.5 was trained and is served with (MODEL_CONFIG_MAP
 * `inference_condition`); GPT-3.5 data the README's `GPT3`.
 */
export interface ConditionClass {
  condition: string;
  weight: number;
}

export interface CrlftOptions {
  gpt4?: ConditionClass;
  gpt35?: ConditionClass;
  /** Records whose `model` names neither (or is missing): `gpt35` (ShareGPT's default model was GPT-3.5) or `gpt4`. */
  unknownAs?: 'gpt35' | 'gpt4';
}

export const CRLFT_GPT4: ConditionClass = { condition: 'GPT4 Correct', weight: 1 };
export const CRLFT_GPT35: ConditionClass = { condition: 'GPT3', weight: 0.1 };

export type ModelClass = 'gpt4' | 'gpt35' | 'unknown';

/** ShareGPT `model` values: "Model: GPT-4", "gpt-4-0613", "GPT-3.5", "gpt-3.5-turbo", "Model: Default (GPT-3.5)", "text-davinci-002-render-sha". */
export function modelClass(model: string | undefined): ModelClass {
  const m = (model ?? '').toLowerCase();
  if (/gpt-?4/.test(m)) return 'gpt4';
  if (/gpt-?3\.5|gpt-?35|turbo|davinci|default/.test(m)) return 'gpt35';
  return 'unknown';
}

/** The condition and assistant weight for a record's `model` field. */
export function crlftClass(model: string | undefined, o: CrlftOptions = {}): ConditionClass {
  let c = modelClass(model);
  if (c === 'unknown') c = o.unknownAs ?? 'gpt35';
  return c === 'gpt4' ? (o.gpt4 ?? CRLFT_GPT4) : (o.gpt35 ?? CRLFT_GPT35);
}
