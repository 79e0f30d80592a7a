/**
 * One raw record (ShareGPT, UltraChat or OpenAI messages) to a Conversation, or a reject that
 * says exactly which field was wrong. No content is changed here: cleaning is the next stage.
 */
import type { Conversation, RawRecord, RejectMarker, Role, SourcePos, Turn } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import { positionalId } from './ids.js';
import { DEFAULT_READ_LIMITS, inspectJson } from './limits.js';
import { cutUtf8 } from './safe-json.js';

/** Role aliases seen in the wild, mapped to ours. Anything else is `unknown_role`. */
export const ROLE_ALIASES: Readonly<Record<string, Role>> = {
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  chatgpt: 'assistant',
  assistant: 'assistant',
  system: 'system',
};

type Obj = Record<string, unknown>;

export interface NormalizeOptions {
  /** Deepest nesting accepted before JSON.parse (default: the readers' maxDepth). */
  maxDepth?: number;
}

export function normalizeRecord(raw: RawRecord, o: NormalizeOptions = {}): Conversation | RejectMarker {
  let value = raw.value;
  if (value === undefined) {
    const text = raw.text ?? '';
    // The reader checked this already; a record built elsewhere (tests, tools) is checked here,
    // since everything after JSON.parse (structured clone, stringify) recurses.
    const shape = inspectJson(text, o.maxDepth ?? DEFAULT_READ_LIMITS.maxDepth);
    if (shape.tooDeep) {
      return reject({ reason: 'too_deep', detail: `nested deeper than ${o.maxDepth ?? DEFAULT_READ_LIMITS.maxDepth} levels`, source: raw.source, id: raw.id, record: cutText(text) });
    }
    try {
      value = JSON.parse(text);
    } catch (e) {
      return reject({ reason: 'malformed', detail: `invalid JSON: ${(e as Error).message}`, source: raw.source, id: raw.id, record: raw.text });
    }
  }
  const out = normalizeValue(value, raw.source, raw.dialect);
  if (raw.id !== undefined) out.id = raw.id;
  if (!isReject(out) && raw.repairs?.length) out.repairs = [...raw.repairs, ...(out.repairs ?? [])];
  return out;
}

export function normalizeValue(value: unknown, source: SourcePos, dialect: RawRecord['dialect'] = 'auto'): Conversation | RejectMarker {
  const bad = (detail: string, reason = 'malformed') => reject({ reason, detail, source, record: value, id: idOf(value, source) });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad(`the record is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, not an object`);
  }
  const v = value as Obj;
  const d = dialect !== 'auto' ? dialect : 'messages' in v && !('conversations' in v) ? 'openai' : 'data' in v && !('conversations' in v) ? 'ultrachat' : 'sharegpt';
  const turns: Turn[] = [];
  const repairs = new Set<RepairCode>();
  if (d === 'ultrachat') {
    if (!Array.isArray(v.data)) return bad('`data` is missing or not an array (UltraChat form: {id, data:[u1,a1,...]})');
    for (let i = 0; i < v.data.length; i++) {
      const s = textOf(v.data[i], repairs);
      if (s === undefined) return bad(`data[${i}] is ${describe(v.data[i])}, not a string`);
      turns.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: s });
    }
  } else {
    const key = d === 'openai' ? 'messages' : 'conversations';
    const list = v[key];
    if (!Array.isArray(list)) return bad(`\`${key}\` is missing or not an array`);
    const weights = Array.isArray(v.weights) ? v.weights : undefined;
    for (let i = 0; i < list.length; i++) {
      const m = list[i];
      if (typeof m !== 'object' || m === null || Array.isArray(m)) return bad(`${key}[${i}] is not an object`);
      const mo = m as Obj;
      const who = mo.from ?? mo.role;
      if (typeof who !== 'string') return bad(`${key}[${i}] has no string \`from\`/\`role\``);
      const role = ROLE_ALIASES[who.toLowerCase()];
      if (!role) return bad(`${key}[${i}] has role "${who}"`, 'unknown_role');
      // OpenAI `content` may be a list of parts (its documented form); a ShareGPT `value` that is not a string is repaired.
      const content = mo.value !== undefined ? textOf(mo.value, repairs) : contentOf(mo.content, repairs);
      if (content === undefined) {
        return bad(`${key}[${i}].${mo.value !== undefined ? 'value' : 'content'} is ${describe(mo.value !== undefined ? mo.value : mo.content)}, not a string`);
      }
      const t: Turn = { role, content };
      const w = weights?.[i] ?? mo.weight;
      if (typeof w === 'number' && w !== 1) t.weight = w;
      turns.push(t);
    }
  }
  for (const t of turns) {
    if (!(t.content as WellFormed).isWellFormed()) {
      // A lone surrogate (from a `\ud800` escape) cannot be encoded as UTF-8: tokenizers would choke on it later.
      t.content = (t.content as WellFormed).toWellFormed();
      repairs.add('lone_surrogate');
    }
  }
  const conv: Conversation = { id: idOf(v, source)!, turns, source };
  if (typeof v.model === 'string' && v.model !== '') conv.model = v.model;
  if (typeof v.meta === 'object' && v.meta !== null && !Array.isArray(v.meta)) conv.meta = v.meta as Obj;
  if (repairs.size) conv.repairs = [...repairs];
  // Judge output (issue 14) survives a write and a read: scores by judge name, sampled candidates.
  if (typeof v.scores === 'object' && v.scores !== null && !Array.isArray(v.scores)) conv.scores = v.scores as Conversation['scores'];
  if (Array.isArray(v.candidates)) conv.candidates = v.candidates as Conversation['candidates'];
  return conv;
}

/** ES2024 string methods (Node 20 has them; the ES2022 lib does not declare them). */
type WellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Repairs the readers and the normalizer make; counted like the cleaner's repairs. */
export type RepairCode = 'invalid_utf8' | 'lone_surrogate' | 'non_string_value' | 'duplicate_id';

/** A turn's text, or what it is instead (for the detail). Numbers, booleans and lists of strings become text, flagged. */
function textOf(x: unknown, repairs: Set<RepairCode>): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') {
    repairs.add('non_string_value');
    return String(x);
  }
  if (Array.isArray(x)) {
    const joined = partsText(x);
    if (joined !== undefined) {
      repairs.add('non_string_value');
      return joined;
    }
  }
  return undefined;
}

/** OpenAI content: a string, or a list of text parts joined (not a repair: it is that format's form). */
function contentOf(c: unknown, repairs: Set<RepairCode>): string | undefined {
  if (!Array.isArray(c)) return typeof c === 'string' ? c : typeof c === 'number' || typeof c === 'boolean' ? textOf(c, repairs) : undefined;
  return partsText(c);
}

function partsText(c: unknown[]): string | undefined {
  const parts: string[] = [];
  for (const p of c) {
    if (typeof p === 'string') parts.push(p);
    else if (p && typeof p === 'object' && typeof (p as Obj).text === 'string') parts.push((p as Obj).text as string);
    else return undefined;
  }
  return parts.join('');
}

function describe(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}

function idOf(v: unknown, source: SourcePos): string | undefined {
  const id = (v as Obj | null)?.id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number') return String(id);
  return positionalId(source);
}

/** A raw text cut to the readers' keepBytes, for a reject line. */
function cutText(text: string): string {
  return cutUtf8(text, DEFAULT_READ_LIMITS.keepBytes).text;
}

/** ShareGPT output form of a conversation (what `clean` writes). */

export { toShareGpt } from '../core/sharegpt.js';
