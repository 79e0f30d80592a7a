/**
 * `science`: Tülu v2's science instructions (science_train.jsonl), `{dataset, input, output}` →
 * the input as the user turn and the output as the reply, verbatim. open-instruct:
 * convert_science_data (whose dataset name is `science.` + the row's dataset).
 */
import type { SourcePos } from '../../core/types.js';
import { assistant, type Converted, conversation, type FormatOptions, strings, user } from './types.js';

export function convertScience(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  const f = strings(value, source, 'science', ['input', 'output']);
  if ('__reject' in f) return [f];
  const c = conversation(value, source, [user(f.input), assistant(f.output)], opts);
  const d = (value as { dataset?: unknown }).dataset;
  if (typeof d === 'string') c.meta = { science_dataset: `science.${d}` };
  return [c];
}
