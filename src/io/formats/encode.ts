/**
 * Instruction + input + output → one user prompt and one assistant reply, as open-instruct's
 * `encode_instruction_example` and `encode_few_shot_example` (instruction_encode_templates.py)
 * build them. The weighted templates are data: configs/instruction_templates/open_instruct.json.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { configPath } from '../../filter/lists.js';
import { pyStrip } from '../../format/templates/pystr.js';
import { type Rng, weightedChoice } from './random.js';

/** [prompt template, completion template, weight] */
export type EncodingTemplate = [string, string, number];

export interface InstructionTemplates {
  withInput: EncodingTemplate[];
  withoutInput: EncodingTemplate[];
}

let cached: InstructionTemplates | undefined;

export function openInstructTemplates(): InstructionTemplates {
  if (cached) return cached;
  const path = configPath('instruction_templates/open_instruct.json');
  const d = JSON.parse(readFileSync(path, 'utf8')) as { with_input?: unknown; without_input?: unknown };
  const ok = (l: unknown): l is EncodingTemplate[] =>
    Array.isArray(l) && l.length > 0 && l.every((t) => Array.isArray(t) && typeof t[0] === 'string' && typeof t[1] === 'string' && typeof t[2] === 'number');
  if (!ok(d.with_input) || !ok(d.without_input)) {
    throw new ConfigError(path, 'with_input / without_input must be lists of [prompt, completion, weight]', 'restore the file from the package');
  }
  return (cached = { withInput: d.with_input, withoutInput: d.without_input });
}

/** Python's `str.format(**fields)` for these templates: one pass, so braces in the values stay. */
export function fill(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(/\{(instruction|input|output)\}/g, (m, k: string) => fields[k] ?? m);
}

export interface Encoded {
  prompt: string;
  completion: string;
  /** Index of the weighted template used (random mode only). */
  template?: number;
}

/**
 * `rng` undefined: the fixed encoding (`random_template=False`): instruction, a blank line, the
 * input and a blank line when the input is not blank. Every field is `strip()`ped.
 */
export function encodeInstruction(instruction: string, input: string | undefined, output: string, rng?: Rng): Encoded {
  const hasInput = input !== undefined && pyStrip(input) !== '';
  const ins = pyStrip(instruction);
  const out = pyStrip(output);
  if (!rng) {
    return { prompt: hasInput ? `${ins}\n\n${pyStrip(input!)}\n\n` : `${ins}\n\n`, completion: out };
  }
  const list = hasInput ? openInstructTemplates().withInput : openInstructTemplates().withoutInput;
  const k = weightedChoice(
    list.map((_, i) => i),
    list.map((t) => t[2]),
    rng,
  );
  const [p, c] = list[k]!;
  const fields = { instruction: ins, input: hasInput ? pyStrip(input!) : '', output: out };
  return { prompt: fill(p, fields), completion: fill(c, fields), template: k };
}

/** `encode_few_shot_example`: definition, the exemplars as Input:/Output: blocks, then the instance. */
export function encodeFewShot(instruction: string, exemplars: readonly { input: string; output: string }[], input: string, output: string): Encoded {
  let prompt = `${pyStrip(instruction)}\n\n`;
  for (const e of exemplars) prompt += `Input:\n${pyStrip(e.input)}\nOutput:\n${pyStrip(e.output)}\n\n`;
  prompt += `Input:\n${pyStrip(input)}\nOutput:\n`;
  return { prompt, completion: pyStrip(output) };
}
