/**
 * `self_instruct`: Self-Instruct's `all_instances_82K.jsonl`, `{instruction, input, output}`.
 * open-instruct: convert_self_instruct_data (the same encoding as Alpaca).
 */
import type { SourcePos } from '../../core/types.js';
import { instructionConversation } from './instruction.js';
import { type Converted, type FormatOptions, strings } from './types.js';

export function convertSelfInstruct(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, 'self_instruct', ['instruction', 'input', 'output'], ['input']);
  if ('__reject' in f) return [f];
  return [instructionConversation(value, source, opts, f)];
}
