/**
 * `unnatural`: Unnatural Instructions' core_data.jsonl, one task per line:
 * `{instruction, instances:[{input, constraints, output, ...}]}` → one conversation per instance.
 * The instance's constraints are appended to the instruction on a new line unless empty or
 * "none"/"none." (any case). open-instruct: convert_unnatural_instructions_data.
 */
import type { SourcePos } from '../../core/types.js';
import { instructionConversation } from './instruction.js';
import { bad, type Converted, type FormatOptions, idOf, isObj, strings, typeName } from './types.js';

export function convertUnnatural(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  if (!isObj(value)) return [bad(value, source, `the record is ${typeName(value)}, not an object (unnatural form: {instruction, instances})`)];
  if (typeof value.instruction !== 'string') return [bad(value, source, `\`instruction\` is ${typeName(value.instruction)}, not a string`)];
  if (!Array.isArray(value.instances)) return [bad(value, source, `\`instances\` is ${typeName(value.instances)}, not an array`)];
  const base = idOf(value, source);
  const out: Converted = [];
  value.instances.forEach((inst, j) => {
    const id = `${base}:${j}`;
    const f = strings(inst, source, 'unnatural instance', ['input', 'output'], ['input']);
    if ('__reject' in f) {
      out.push({ ...f, id, detail: `instances[${j}]: ${f.detail}` });
      return;
    }
    const cons = (inst as { constraints?: unknown }).constraints;
    const withCons = typeof cons === 'string' && cons !== '' && !['none', 'none.'].includes(cons.toLowerCase());
    const instruction = withCons ? `${value.instruction as string}\n${cons}` : (value.instruction as string);
    out.push(instructionConversation(value, source, opts, { instruction, input: f.input, output: f.output }, id, String(j)));
  });
  return out;
}
