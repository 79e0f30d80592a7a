/**
 * `flan`: FLAN v2 rows `{inputs, targets}` (Tülu's resampled FLAN). The prompt gets a newline
 * unless it already ends with one or (right-stripped) with a colon; neither side is stripped.
 * open-instruct: convert_flan_v2_data (convert_cot_data is the same; see cot.ts).
 */
import type { SourcePos } from '../../core/types.js';
import { pyRStrip } from '../../format/templates/pystr.js';
import { assistant, type Converted, conversation, type FormatOptions, strings, user } from './types.js';

export function inputsTargets(format: string, value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, format, ['inputs', 'targets']);
  if ('__reject' in f) return [f];
  let prompt = f.inputs;
  if (!prompt.endsWith('\n') && !pyRStrip(prompt).endsWith(':')) prompt += '\n';
  return [conversation(value, source, [user(prompt), assistant(f.targets)], opts)];
}

export function convertFlan(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  return inputsTargets('flan', value, source, opts);
}
