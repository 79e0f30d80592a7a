/**
 * A runtime patch for @huggingface/jinja (checked on 0.5.11): its string methods `strip`,
 * `lstrip`, `rstrip` and the `trim` filter ignore their argument and use JS `trim()`, so
 * `'\n\n y'.lstrip('\n')` gives 'y' where Python (and so transformers) gives ' y'. Qwen3's
 * template uses `content.lstrip('\n')` and `reasoning_content.strip('\n')`, so a reply that opens
 * with spaces or ends a think block with spaces renders differently from transformers.
 *
 * The patch replaces those four entries with Python semantics (pystr.ts) without forking the
 * package: the string value class is reached through a value the public `Environment` creates,
 * its `builtins` getter is wrapped, and `Interpreter.prototype.applyFilter` is wrapped for `trim`.
 * It is applied once, checked by a probe, and reports (not throws) when the package's shape
 * changed, so `assertJinjaPatched()` can say exactly what broke.
 */
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { pyLStrip, pyRStrip, pyStrip } from '../pystr.js';

/** The few runtime-value shapes the patch touches (the package does not export these classes). */
interface RuntimeValue {
  type: string;
  value: unknown;
}
type FnValueCtor = new (fn: (args: RuntimeValue[]) => RuntimeValue) => RuntimeValue;
type StrValueCtor = new (s: string) => RuntimeValue;
interface InterpreterInternals {
  applyFilter(operand: RuntimeValue, filterNode: FilterNode, env: Environment): RuntimeValue;
  evaluateArguments(args: unknown[], env: Environment): [RuntimeValue[], Map<string, RuntimeValue>];
}
interface FilterNode {
  type: string;
  value?: string;
  callee?: { type: string; value?: string };
  args?: unknown[];
}

export interface PatchStatus {
  applied: boolean;
  /** Why the patch could not be applied (package internals changed). */
  problem?: string;
}

const PATCHED = Symbol.for('sftforge.jinja.pystrip');
let status: PatchStatus | undefined;

/** Python's `chars` argument: absent/None = whitespace, a string = those characters. */
function charsArg(method: string, arg: RuntimeValue | undefined): string | null {
  if (arg === undefined || arg.type === 'NullValue' || arg.type === 'UndefinedValue') return null;
  if (arg.type === 'StringValue') return arg.value as string;
  throw new Error(`${method} arg must be None or str, not ${arg.type}`);
}

function patchStringMethods(env: Environment): void {
  env.set('__probe', 'x');
  const sample = env.lookupVariable('__probe') as unknown as RuntimeValue;
  const proto = Object.getPrototypeOf(sample) as object;
  const desc = Object.getOwnPropertyDescriptor(proto, 'builtins');
  if (!desc?.get) throw new Error('StringValue.builtins getter not found');
  const StringValue = (proto as { constructor: StrValueCtor }).constructor;
  const original = desc.get;
  const methods: Record<string, (s: string, chars: string | null) => string> = {
    strip: pyStrip,
    lstrip: pyLStrip,
    rstrip: pyRStrip,
  };
  Object.defineProperty(proto, 'builtins', {
    configurable: true,
    get(this: RuntimeValue) {
      const map = original.call(this) as Map<string, RuntimeValue> & { [PATCHED]?: true };
      if (map[PATCHED]) return map;
      const FunctionValue = (map.get('strip') as unknown as { constructor: FnValueCtor }).constructor;
      for (const [name, fn] of Object.entries(methods)) {
        map.set(name, new FunctionValue((args) => new StringValue(fn(this.value as string, charsArg(name, args[0])))));
      }
      map[PATCHED] = true;
      return map;
    },
  });
  patchTrimFilter(StringValue);
}

/** Jinja2's `trim(value, chars=None)` is `value.strip(chars)`. */
function patchTrimFilter(StringValue: StrValueCtor): void {
  const proto = Interpreter.prototype as unknown as InterpreterInternals;
  if (typeof proto.applyFilter !== 'function') throw new Error('Interpreter.applyFilter not found');
  const original = proto.applyFilter;
  proto.applyFilter = function (this: InterpreterInternals, operand, node, env) {
    if (operand?.type === 'StringValue') {
      const s = operand.value as string;
      if (node.type === 'Identifier' && node.value === 'trim') return new StringValue(pyStrip(s));
      if (node.type === 'CallExpression' && node.callee?.type === 'Identifier' && node.callee.value === 'trim') {
        const [args, kwargs] = this.evaluateArguments(node.args ?? [], env);
        return new StringValue(pyStrip(s, charsArg('trim', args[0] ?? kwargs.get('chars'))));
      }
    }
    return original.call(this, operand, node, env);
  };
}

/** Applies the patch once per process; safe to call often. */
export function ensureJinjaPatched(): PatchStatus {
  if (status) return status;
  try {
    patchStringMethods(new Environment());
    // Probe: the method and the filter must now behave like Python.
    const probe = new Template("{{ '\\n\\n y'.lstrip('\\n') }}|{{ '-a-' | trim('-') }}").render({});
    status = probe === ' y|a' ? { applied: true } : { applied: false, problem: `probe rendered ${JSON.stringify(probe)}` };
  } catch (e) {
    status = { applied: false, problem: (e as Error).message };
  }
  return status;
}
