/**
 * `cot`: the FLAN v2 chain-of-thought submix (cot_zsopt.jsonl, cot_fsopt.jsonl), `{inputs,
 * targets}`, converted exactly as `flan`. open-instruct: convert_cot_data.
 */
import type { SourcePos } from '../../core/types.js';
import { inputsTargets } from './flan.js';
import type { Converted, FormatOptions } from './types.js';

export function convertCot(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  return inputsTargets('cot', value, source, opts);
}
