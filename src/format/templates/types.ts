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
}

export interface ChatTemplate {
  readonly name: string;
  /** Special tokens the rendered text relies on (added to a tokenizer that lacks them). */
  readonly specialTokens: readonly string[];
  render(turns: readonly Turn[], opts?: RenderOptions): Rendered;
}
