/**
 * `alpaca`: `{instruction, input, output}` (Stanford Alpaca, GPT4-Alpaca, Code-Alpaca, Chinese
 * Alpaca). open-instruct: convert_stanford_alpaca_data / convert_gpt4_alpaca_data /
 * convert_code_alpaca_data. A missing or null `input` counts as empty.
 */
import type { SourcePos } from '../../core/types.js';
import { instructionConversation } from './instruction.js';
import { type Converted, type FormatOptions, strings } from './types.js';

export function convertAlpaca(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, 'alpaca', ['instruction', 'input', 'output'], ['input']);
  if ('__reject' in f) return [f];
  return [instructionConversation(value, source, opts, f)];
}
