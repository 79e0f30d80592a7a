/** The shared step of every instruction format: encode, then one user turn and one assistant turn. */
import type { Conversation, SourcePos } from '../../core/types.js';
import { encodeInstruction } from './encode.js';
import { PyRandom } from './mt19937.js';
import { recordRng, type Rng } from './random.js';
import { assistant, conversation, type FormatOptions, user } from './types.js';

export function instructionConversation(value: unknown, source: SourcePos, opts: FormatOptions, f: { instruction: string; input?: string; output: string }, id?: string, sub = ''): Conversation {
  const rng =
    opts.instructionTemplates === 'open-instruct' ? (opts.stream ? () => opts.stream!.random() : sub === '' ? positionalDraw(opts.seed ?? 42, source) : recordRng(opts.seed, source, sub)) : undefined;
  const e = encodeInstruction(f.instruction, f.input, f.output, rng);
  const c = conversation(value, source, [user(e.prompt), assistant(e.completion)], opts, id);
  if (e.template !== undefined) c.meta = { instruction_template: e.template };
  return c;
}

/**
 * Records converted one by one (the read stage, maybe on workers): record k of a file takes the
 * k-th draw of the file's CPython stream, k = its array index or line - 1. Streams are kept per
 * file and advanced, so reading in order costs one draw a record.
 */
const streams = new Map<string, { py: PyRandom; next: number }>();

function positionalDraw(seed: number, source: SourcePos): Rng {
  const k = source.index ?? (source.line !== undefined ? source.line - 1 : 0);
  const key = `${seed}|${source.file}`;
  let s = streams.get(key);
  if (!s || s.next > k) {
    if (streams.size >= 16) streams.delete(streams.keys().next().value!);
    s = { py: new PyRandom(seed), next: 0 };
    streams.set(key, s);
  }
  for (; s.next < k; s.next++) s.py.random();
  const x = s.py.random();
  s.next = k + 1;
  return () => x;
}
