/**
 * OpenChat's `MODEL_CONFIG_MAP` keys (imoneoi/openchat ochat/config/__init__.py @47a3596): the
 * `model_type` its trainer reads from the Parquet metadata (`train.py` indexes MODEL_CONFIG_MAP
 * with it, so a serving alias such as `openchat_3.5` raises KeyError) and the context each model
 * type truncates to (`model_max_context`, applied by generate_dataset before `add_single_conv`).
 */
import { UsageError } from '../../core/errors.js';

export interface OpenChatModelType {
  /** ochat `model_max_context`. */
  maxContext: number;
  /** The sftforge template that renders this model type's ConversationTemplate, when there is one. */
  template?: string;
  /** Which bundled-style vocabulary the model type's tokenizer has (see tokenizerFamily). */
  family?: TokenizerFamily;
  /** ochat `serving_aliases`. */
  aliases?: string[];
}

export type TokenizerFamily = 'llama2' | 'mistral' | 'llama3' | 'gemma' | 'other';

export const OPENCHAT_MODEL_TYPES: Readonly<Record<string, OpenChatModelType>> = {
  'openchat_3.6': { maxContext: 8192, family: 'llama3' },
  'openchat_v3.2': { maxContext: 4096, template: 'openchat_3.5', family: 'llama2' },
  'openchat_v3.2_mistral': { maxContext: 8192, template: 'openchat_3.5', family: 'mistral', aliases: ['openchat_3.5'] },
  'openchat_v3.2_gemma_new': { maxContext: 8192, family: 'gemma', aliases: ['openchat_3.5_gemma_new'] },
  chatml_8192: { maxContext: 8192 },
  zephyr_mistral: { maxContext: 8192 },
  gemma_it: { maxContext: 8192 },
  llama3_instruct: { maxContext: 8192 },
};

export const OPENCHAT_MODEL_TYPE_NAMES = Object.keys(OPENCHAT_MODEL_TYPES);

/**
 * The vocabulary a tokenizer.json model has, told apart by one piece id: LLaMA-2 and Mistral both
 * have 32,000 SentencePiece pieces and the same BOS/EOS, but `▁the` is 278 in LLaMA-2 and 272 in Mistral.
 */
export function tokenizerFamily(vocab: Record<string, number> | [string, number][] | undefined): TokenizerFamily {
  if (!vocab || Array.isArray(vocab)) return Array.isArray(vocab) && vocab.length === 256000 ? 'gemma' : 'other';
  const the = vocab['▁the'];
  if (the === 278) return 'llama2';
  if (the === 272) return 'mistral';
  if (vocab['<|begin_of_text|>'] !== undefined || vocab['ĠThe'] === 578) return 'llama3';
  return 'other';
}

function table(): string {
  return Object.entries(OPENCHAT_MODEL_TYPES)
    .map(([k, v]) => `${k}${v.template ? ` (template ${v.template}, ${v.family} tokenizer)` : ' (no sftforge template renders it)'}`)
    .join(', ');
}

/**
 * The model_type for a template + tokenizer, or the one asked for after checking it fits. Refuses a
 * combination OpenChat has no key for, listing the keys.
 */
export function openChatModelType(o: { template: string; family: TokenizerFamily; modelType?: string }): string {
  if (o.modelType !== undefined) {
    const alias = Object.entries(OPENCHAT_MODEL_TYPES).find(([, v]) => v.aliases?.includes(o.modelType!));
    if (alias) throw new UsageError(`OpenChat model type ${JSON.stringify(o.modelType)} is a serving alias, not a MODEL_CONFIG_MAP key (train.py would raise KeyError)`, `use ${alias[0]}`);
    const mt = OPENCHAT_MODEL_TYPES[o.modelType];
    if (!mt) throw new UsageError(`OpenChat has no model type ${JSON.stringify(o.modelType)}`, `use one of: ${table()}`);
    if (mt.template !== o.template || (mt.family !== undefined && o.family !== 'other' && mt.family !== o.family)) {
      throw new UsageError(`OpenChat model type ${o.modelType} does not fit template ${o.template} with a ${o.family} tokenizer`, `model types sftforge can write: ${table()}`);
    }
    return o.modelType;
  }
  const hit = Object.entries(OPENCHAT_MODEL_TYPES).filter(([, v]) => v.template === o.template && v.family === o.family);
  if (hit.length !== 1) {
    throw new UsageError(`OpenChat has no model type for template ${o.template} with a ${o.family} tokenizer`, `use one of: ${table()}; or name it with the model-type option`);
  }
  return hit[0]![0];
}
