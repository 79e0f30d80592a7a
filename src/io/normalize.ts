/**
 * One raw record (ShareGPT, UltraChat or OpenAI messages) to a Conversation, or a reject that
 * says exactly which field was wrong. No content is changed here: cleaning is the next stage.
 */
import { basename } from 'node:path';
import type { Conversation, RawRecord, RejectMarker, Role, SourcePos, Turn } from '../core/types.js';
import { reject } from '../core/types.js';

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

export function normalizeRecord(raw: RawRecord): Conversation | RejectMarker {
  let value = raw.value;
  if (value === undefined) {
    try {
      value = JSON.parse(raw.text ?? '');
    } catch (e) {
      return reject({ reason: 'malformed', detail: `invalid JSON: ${(e as Error).message}`, source: raw.source, record: raw.text });
    }
  }
  return normalizeValue(value, raw.source, raw.dialect);
}

export function normalizeValue(value: unknown, source: SourcePos, dialect: RawRecord['dialect'] = 'auto'): Conversation | RejectMarker {
  const bad = (detail: string, reason = 'malformed') => reject({ reason, detail, source, record: value, id: idOf(value, source) });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad(`the record is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, not an object`);
  }
  const v = value as Obj;
  const d = dialect !== 'auto' ? dialect : 'messages' in v && !('conversations' in v) ? 'openai' : 'data' in v && !('conversations' in v) ? 'ultrachat' : 'sharegpt';
  const turns: Turn[] = [];
  if (d === 'ultrachat') {
    if (!Array.isArray(v.data)) return bad('`data` is missing or not an array (UltraChat form: {id, data:[u1,a1,...]})');
    for (let i = 0; i < v.data.length; i++) {
      const s = v.data[i];
      if (typeof s !== 'string') return bad(`data[${i}] is ${s === null ? 'null' : typeof s}, not a string`);
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
      const content = contentOf(mo.value !== undefined ? mo.value : mo.content);
      if (typeof content !== 'string') return bad(`${key}[${i}].${mo.value !== undefined ? 'value' : 'content'} is ${content === null ? 'null' : typeof content}, not a string`);
      const t: Turn = { role, content };
      const w = weights?.[i] ?? mo.weight;
      if (typeof w === 'number' && w !== 1) t.weight = w;
      turns.push(t);
    }
  }
  const conv: Conversation = { id: idOf(v, source)!, turns, source };
  if (typeof v.model === 'string' && v.model !== '') conv.model = v.model;
  if (typeof v.meta === 'object' && v.meta !== null && !Array.isArray(v.meta)) conv.meta = v.meta as Obj;
  return conv;
}

/** OpenAI content may be a list of parts; only text parts carry training text. */
function contentOf(c: unknown): unknown {
  if (!Array.isArray(c)) return c;
  const parts: string[] = [];
  for (const p of c) {
    if (typeof p === 'string') parts.push(p);
    else if (p && typeof p === 'object' && typeof (p as Obj).text === 'string') parts.push((p as Obj).text as string);
    else return undefined;
  }
  return parts.join('');
}

function idOf(v: unknown, source: SourcePos): string | undefined {
  const id = (v as Obj | null)?.id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number') return String(id);
  return `${basename(source.file)}:${source.line ?? source.index ?? 0}`;
}

/** ShareGPT output form of a conversation (what `clean` writes). */
export function toShareGpt(c: Conversation): Obj {
  const out: Obj = {
    id: c.id,
    conversations: c.turns.map((t) => ({ from: t.role === 'user' ? 'human' : t.role === 'assistant' ? 'gpt' : 'system', value: t.content })),
  };
  if (c.model !== undefined) out.model = c.model;
  if (c.turns.some((t) => t.weight !== undefined && t.weight !== 1)) out.weights = c.turns.map((t) => t.weight ?? 1);
  if (c.meta !== undefined) out.meta = c.meta;
  out.source = c.source.line !== undefined ? { file: c.source.file, line: c.source.line } : { file: c.source.file, index: c.source.index };
  return out;
}
