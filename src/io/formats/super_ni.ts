/**
 * `super_ni`: one Super-NaturalInstructions task file, `{Definition:[...], "Positive Examples":
 * [{input, output}], Instances:[{id, input, output:[...]}]}`. As open-instruct's
 * convert_super_ni_data, with CPython's generator seeded by `seed` (the file's stream): when the
 * task has more than zeroShot+fewShot instances, `random.sample` of that many (else all, in
 * order); the first zeroShot are encoded as instructions (definition + input → first output; one
 * template draw each, consumed in the fixed mode too so the samples stay in step), the rest as
 * few-shot prompts with `random.sample(positive examples, nFewShot)` (all when no more than that).
 * A task file converted alone with seed 42 gives open-instruct's instances and exemplars.
 */
import type { SourcePos } from '../../core/types.js';
import { encodeFewShot, encodeInstruction } from './encode.js';
import { PyRandom } from './mt19937.js';
import { assistant, bad, type Converted, conversation, type FormatOptions, isObj, type Obj, typeName, user } from './types.js';

const str = (v: unknown): v is string => typeof v === 'string';

export function convertSuperNi(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  if (!isObj(value)) return [bad(value, source, `the task is ${typeName(value)}, not an object (super_ni task file)`)];
  const def = Array.isArray(value.Definition) ? value.Definition[0] : value.Definition;
  if (!str(def)) return [bad(value, source, '`Definition` has no string (super_ni task: Definition is a list of strings)')];
  const instances = value.Instances;
  if (!Array.isArray(instances)) return [bad(value, source, `\`Instances\` is ${typeName(instances)}, not an array`)];
  const positives: unknown[] = Array.isArray(value['Positive Examples']) ? value['Positive Examples'] : [];
  const zero = opts.zeroShot ?? 60;
  const few = opts.fewShot ?? 20;
  const nShots = opts.nFewShot ?? 2;
  const py = opts.stream ?? new PyRandom(opts.seed ?? 42);
  const picked = zero + few < instances.length ? py.sample(instances.length, zero + few).map((i) => instances[i]) : instances;
  const out: Converted = [];
  picked.forEach((inst, j) => {
    const o: Obj = isObj(inst) ? inst : {};
    const id = str(o.id) ? o.id : `${source.file}:${j}`;
    const output = Array.isArray(o.output) ? o.output[0] : o.output;
    // Draw as open-instruct does before looking at the instance, so one bad instance shifts nothing.
    const draw = j < zero ? py.random() : undefined;
    const shots = j >= zero ? (nShots < positives.length ? py.sample(positives.length, nShots).map((i) => positives[i]) : positives) : [];
    if (!str(o.input) || !str(output)) {
      out.push(bad(inst, source, `instance ${id}: \`input\` must be a string and \`output\` a non-empty list of strings`, 'malformed', id));
      return;
    }
    if (draw !== undefined) {
      const e = encodeInstruction(def, o.input, output, opts.instructionTemplates === 'open-instruct' ? () => draw : undefined);
      const c = conversation(inst, source, [user(e.prompt), assistant(e.completion)], opts, id);
      if (e.template !== undefined) c.meta = { instruction_template: e.template };
      out.push(c);
      return;
    }
    const bads = shots.findIndex((e) => !isObj(e) || !str(e.input) || !str(e.output));
    if (bads >= 0) {
      out.push(bad(inst, source, `instance ${id}: a sampled positive example lacks string input/output`, 'malformed', id));
      return;
    }
    const e = encodeFewShot(def, shots as { input: string; output: string }[], o.input, output);
    out.push(conversation(inst, source, [user(e.prompt), assistant(e.completion)], opts, id));
  });
  return out;
}
