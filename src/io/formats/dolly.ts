/**
 * `dolly`: databricks-dolly-15k, `{instruction, context, response, category}`; the context is the
 * input. open-instruct: convert_dolly_data.
 */
import type { SourcePos } from '../../core/types.js';
import { instructionConversation } from './instruction.js';
import { type Converted, type FormatOptions, strings } from './types.js';

export function convertDolly(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, 'dolly', ['instruction', 'context', 'response'], ['context']);
  if ('__reject' in f) return [f];
  const c = instructionConversation(value, source, opts, { instruction: f.instruction, input: f.context, output: f.response });
  const cat = (value as { category?: unknown }).category;
  if (typeof cat === 'string') c.meta = { ...c.meta, category: cat };
  return [c];
}
