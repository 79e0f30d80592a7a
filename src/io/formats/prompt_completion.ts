/**
 * `prompt_completion`: OpenAI's legacy fine-tuning JSONL, `{prompt, completion}` → one user turn
 * and one assistant turn, both verbatim (separators and stop sequences such as "\n\n###\n\n" or
 * " END" are the data's own and stay).
 */
import type { SourcePos } from '../../core/types.js';
import { assistant, type Converted, conversation, type FormatOptions, strings, user } from './types.js';

export function convertPromptCompletion(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, 'prompt_completion', ['prompt', 'completion']);
  if ('__reject' in f) return [f];
  return [conversation(value, source, [user(f.prompt), assistant(f.completion)], opts)];
}
