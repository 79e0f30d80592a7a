/**
 * The contract between chat templates and the tokenizer/mask stage. A template renders a
 * conversation to one string and says, by character offsets into that string, where each
 * message's content lies and which characters are trained. The mask stage tokenizes the whole
 * string once and marks a token trained when it overlaps a trained span (the rule of
 * transformers' `return_assistant_tokens_mask`).
 */
import type { Role, Turn } from '../../core/types.js';

export interface Span {
  /** Character offsets into `Rendered.text`, end exclusive. */
  start: number;
  end: number;
  /** Index of the turn in the input conversation. */
  turn: number;
  role: Role;
}

export interface TrainedSpan extends Span {
  /** The assistant turn's weight (0 = not trained: unwanted-phrase mask; default 1). */
  weight: number;
}

export interface Rendered {
  text: string;
  /**
   * Where each message's content text lies. Special-token strings inside these spans (a user
   * typing `</s>`) must be tokenized as plain text, never as control tokens.
   */
  content: Span[];
  /** Assistant replies plus the end-of-turn marker that closes each: what the loss is computed on. */
  trained: TrainedSpan[];
}

export interface RenderOptions {
  /** Append the header that opens an assistant reply (for prompts / the prefix check). */
  addGenerationPrompt?: boolean;
  /** The conversation's tool definitions (`Conversation.tools`): `hf` passes them as the template's `tools`. */
  tools?: readonly unknown[];
}

export interface ChatTemplate {
  readonly name: string;
  /** Special tokens the rendered text relies on (added to a tokenizer that lacks them). */
  readonly specialTokens: readonly string[];
  render(turns: readonly Turn[], opts?: RenderOptions): Rendered;
  /**
   * (Extension, optional.) The template writes each message's content Python-`strip()`ped, as its
   * reference does (tulu, llama-3): `content` spans then cover the stripped text, not `Turn.content`.
   */
  readonly stripsContent?: boolean;
  /**
   * (Extension, optional.) `hf` only: trained spans are the template's `{% generation %}` blocks,
   * which may start before the reply (SmolLM3's include the `<|im_start|>assistant\n` header).
   */
  readonly generationBlocks?: boolean;
  /**
   * (Extension, optional.) Rendering is one left-to-right pass in which a message never depends on
   * the ones after it and the generation prompt is the start of the next assistant header (plus
   * at most trailing whitespace): the prompt of every reply is then a prefix of the conversation
   * ending at or before the reply, so the formatter skips that check (re-rendering every prefix).
   * test/format/prompt-prefix.test.ts runs the check on the templates that claim this.
   */
  readonly promptIsPrefix?: boolean;
}

/** One entry of a tokenizer_config.json `chat_template` given as a list (`default`, `tool_use`, ...). */
export interface NamedChatTemplate {
  name: string;
  template: string;
}

/**
 * (Extension.) Options of `getTemplate(name, opts)`. Every field is optional; a template ignores
 * the fields it has no use for.
 */
export interface TemplateOptions {
  /** BOS string (default per template: `<s>` for Llama/Mistral families, `<|begin_of_text|>` for llama-3). */
  bosToken?: string;
  /** EOS string (default `</s>` where the format uses it). */
  eosToken?: string;
  /**
   * Built-ins: put `bosToken` at the start of the text (default true where the model's tokenizer
   * adds BOS; false for chatml/qwen). The FastChat vectors are rendered with `addBos: false`
   * because FastChat's prompt string leaves BOS to the tokenizer.
   */
  addBos?: boolean;
  /** System prompt used when the conversation has no system turn (replaces the template default). */
  systemPrompt?: string;
  /** OpenChat condition (`GPT4 Correct`, `Math Correct`, `Code`, or '' for none). */
  condition?: string;
  /** `hf`: the tokenizer's `chat_template` (a string or a list of named templates). */
  chatTemplate?: string | readonly NamedChatTemplate[];
  /** `hf`: which named template to use (default: `tool_use` when tools are given, else `default`). */
  templateName?: string;
  /** `hf`: special tokens from tokenizer_config.json (`bos_token`, `eos_token`, `pad_token`, ...). */
  specialTokensMap?: Record<string, unknown>;
  /** `hf`: extra template variables (`tools`, `documents`, `enable_thinking`, ...). */
  extraContext?: Record<string, unknown>;
  /**
   * `hf`: the clock `strftime_now()` reads. transformers uses the real date; pass a fixed date
   * for byte-identical output across runs.
   */
  now?: Date;
}
