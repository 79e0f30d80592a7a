/**
 * A `tokenizer_config.json` fragment written next to tokenized output: the chat template and the
 * special tokens the rows were made with, so training and inference use the same. transformers
 * merges such a file over a tokenizer's own config (AutoTokenizer.from_pretrained on a folder
 * holding it with tokenizer.json; or copy the keys). Keys are transformers' own.
 *
 * chat_template: the Jinja the rows were rendered with (`hf`: the tokenizer's, as chosen); for
 * `openchat_3.5` OpenChat's `hf_chat_template` (ochat/config/__init__.py, openchat_v3.2_mistral,
 * Apache-2.0), which renders what the built-in renders; other built-ins have no Jinja twin here
 * and the key is left out (`sftforge_template` names the template instead).
 */
import type { LoadedTokenizer } from '../tokenizer/index.js';

/** imoneoi/openchat @47a3596 ochat/config/__init__.py, MODEL_CONFIG_MAP["openchat_v3.2_mistral"].hf_chat_template. */
export const OPENCHAT_35_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] in ['user', 'assistant'] %}{% set content = 'GPT4 Correct ' + message['role'].title() + ': ' + message['content'] + '<|end_of_turn|>' %}{% elif message['role'] == 'system' %}{% set content = message['content'] + '<|end_of_turn|>' %}{% else %}{{ raise_exception('Only user, assistant and system roles are supported!') }}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ 'GPT4 Correct Assistant:' }}{% endif %}";

/** The fragment's file name in a tokenized output folder. */
export const TOKENIZER_CONFIG = 'tokenizer_config.json';

const TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'pad_token'] as const;

export interface TokenizerConfigFragment {
  chat_template?: unknown;
  sftforge_template: string;
  bos_token?: unknown;
  eos_token?: unknown;
  unk_token?: unknown;
  pad_token?: unknown;
  additional_special_tokens: string[];
  added_tokens_decoder: Record<string, { content: string; lstrip: boolean; normalized: boolean; rstrip: boolean; single_word: boolean; special: boolean }>;
}

/**
 * `config`: the tokenizer's tokenizer_config.json (+ special_tokens_map.json) as read;
 * `templateSpecials`: the special strings the template relies on; `chatTemplate`: what `hf` used.
 */
export function tokenizerConfigFragment(o: {
  template: string;
  config: Record<string, unknown>;
  tokenizer: Pick<LoadedTokenizer, 'spec'>;
  templateSpecials: readonly string[];
  chatTemplate?: unknown;
}): TokenizerConfigFragment {
  const out: TokenizerConfigFragment = { sftforge_template: o.template, additional_special_tokens: [], added_tokens_decoder: {} };
  const jinja = o.template === 'hf' ? (o.chatTemplate ?? o.config.chat_template) : o.template === 'openchat_3.5' ? OPENCHAT_35_CHAT_TEMPLATE : undefined;
  if (jinja !== undefined) out.chat_template = jinja;
  for (const k of TOKEN_KEYS) if (o.config[k] !== undefined && o.config[k] !== null) out[k] = o.config[k];
  const own = new Set(TOKEN_KEYS.map((k) => tokenString(o.config[k])).filter(Boolean));
  for (const s of o.templateSpecials) if (!own.has(s)) out.additional_special_tokens.push(s);
  for (const t of [...o.tokenizer.spec.specials.values()].sort((a, b) => a.id - b.id)) {
    out.added_tokens_decoder[String(t.id)] = {
      content: t.content,
      lstrip: t.lstrip ?? false,
      normalized: t.normalized ?? false,
      rstrip: t.rstrip ?? false,
      single_word: t.single_word ?? false,
      special: true,
    };
  }
  return out;
}

function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}
