/**
 * Tool-calling conversations. ShareGPT-style records (LLaMA-Factory's glaive_toolcall data) have
 * `function_call` turns (JSON `{name, arguments}`, or a list of them) and `observation` turns
 * (the function's result), plus `tools`, a JSON list of function specs. They become what
 * transformers' chat templates take: an assistant turn with `tool_calls` (content '' unless the
 * call follows assistant text, which it joins), a `tool` turn per result (with the called
 * function's `name` when one call is pending), and `tools` as `[{type:'function', function}]`.
 * OpenAI messages with `tool_calls` and `tool` roles are read the same way.
 */
import type { Conversation, SourcePos, ToolCall, Turn } from '../../core/types.js';
import { normalizeValue } from '../normalize.js';
import { bad, type Converted, conversation, type FormatOptions, isObj, type Obj, typeName } from './types.js';

const SHAREGPT_ROLES: Readonly<Record<string, Turn['role']>> = { human: 'user', user: 'user', gpt: 'assistant', chatgpt: 'assistant', assistant: 'assistant', system: 'system' };

/** Whether a ShareGPT/OpenAI record carries tool turns or tools (then this module converts it). */
export function hasTools(v: Obj): boolean {
  if (v.tools !== undefined && v.tools !== null && v.tools !== '' && !(Array.isArray(v.tools) && v.tools.length === 0)) return true;
  const list = Array.isArray(v.conversations) ? v.conversations : Array.isArray(v.messages) ? v.messages : [];
  return list.some((m) => isObj(m) && (['function_call', 'observation', 'tool', 'function'].includes(String(m.from ?? m.role)) || (Array.isArray(m.tool_calls) && m.tool_calls.length > 0)));
}

function parseJson(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** `tools` as a JSON string or list, each a bare function spec or already `{type:'function', function}`. */
export function toolsOf(raw: unknown): unknown[] | string {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = parseJson(raw);
  if (!Array.isArray(list)) return `\`tools\` is ${typeof raw === 'string' ? 'not a JSON list' : typeName(raw)}`;
  return list.map((t) => (isObj(t) && t.type === 'function' && isObj(t.function) ? t : { type: 'function', function: t }));
}

function callsOf(value: string): ToolCall[] | string {
  const parsed = parseJson(value);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const calls: ToolCall[] = [];
  for (const c of list) {
    const f = isObj(c) && isObj(c.function) ? c.function : c;
    if (!isObj(f) || typeof f.name !== 'string') return 'is not JSON {"name", "arguments"} (or a list of them)';
    calls.push({ type: 'function', function: { name: f.name, arguments: f.arguments ?? {} } });
  }
  return calls.length ? calls : 'holds no call';
}

export function convertShareGptTools(value: Obj, source: SourcePos, opts: FormatOptions): Converted {
  const list = value.conversations;
  if (!Array.isArray(list)) return [bad(value, source, `\`conversations\` is ${typeName(list)}, not an array`)];
  const tools = toolsOf(value.tools);
  if (typeof tools === 'string') return [bad(value, source, tools)];
  const turns: Turn[] = [];
  if (typeof value.system === 'string' && value.system !== '') turns.push({ role: 'system', content: value.system });
  let pending: ToolCall[] = [];
  for (const [i, m] of list.entries()) {
    if (!isObj(m) || typeof m.from !== 'string' || typeof m.value !== 'string') return [bad(value, source, `conversations[${i}] needs string \`from\` and \`value\``)];
    if (m.from === 'function_call') {
      const calls = callsOf(m.value);
      if (typeof calls === 'string') return [bad(value, source, `conversations[${i}] (function_call) ${calls}`)];
      const last = turns[turns.length - 1];
      if (last?.role === 'assistant' && !last.tool_calls) last.tool_calls = calls;
      else turns.push({ role: 'assistant', content: '', tool_calls: calls });
      pending = calls;
    } else if (m.from === 'observation') {
      const t: Turn = { role: 'tool', content: m.value };
      if (pending.length === 1) t.name = pending[0]!.function.name;
      turns.push(t);
    } else {
      const role = SHAREGPT_ROLES[m.from.toLowerCase()];
      if (!role) return [bad(value, source, `conversations[${i}] has role "${m.from}"`, 'unknown_role')];
      turns.push({ role, content: m.value });
      pending = [];
    }
  }
  const c = conversation(value, source, turns, opts);
  if (tools.length) c.tools = tools;
  return [c];
}

export function convertOpenAiTools(value: Obj, source: SourcePos, opts: FormatOptions): Converted {
  const list = value.messages;
  if (!Array.isArray(list)) return [bad(value, source, `\`messages\` is ${typeName(list)}, not an array`)];
  const tools = toolsOf(value.tools);
  if (typeof tools === 'string') return [bad(value, source, tools)];
  const turns: Turn[] = [];
  for (const [i, m] of list.entries()) {
    if (!isObj(m) || typeof m.role !== 'string') return [bad(value, source, `messages[${i}] has no string \`role\``)];
    const role = m.role === 'function' ? 'tool' : m.role;
    if (!['system', 'user', 'assistant', 'tool'].includes(role)) return [bad(value, source, `messages[${i}] has role "${m.role}"`, 'unknown_role')];
    const content = m.content ?? '';
    if (typeof content !== 'string') return [bad(value, source, `messages[${i}].content is ${typeName(content)}, not a string`)];
    const t: Turn = { role: role as Turn['role'], content };
    if (Array.isArray(m.tool_calls) && m.tool_calls.length) {
      const calls = callsOf(JSON.stringify(m.tool_calls));
      if (typeof calls === 'string') return [bad(value, source, `messages[${i}].tool_calls ${calls}`)];
      m.tool_calls.forEach((c, k) => isObj(c) && typeof c.id === 'string' && (calls[k]!.id = c.id));
      t.tool_calls = calls;
    }
    if (typeof m.name === 'string' && role === 'tool') t.name = m.name;
    turns.push(t);
  }
  const c = conversation(value, source, turns, opts);
  if (tools.length) c.tools = tools;
  return [c];
}

/** Today's readers (normalize.ts) for records without tools; this module for those with. */
export function convertMessages(dialect: 'sharegpt' | 'openai' | 'ultrachat', value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  if (isObj(value) && dialect !== 'ultrachat' && hasTools(value)) {
    return 'conversations' in value ? convertShareGptTools(value, source, opts) : convertOpenAiTools(value, source, opts);
  }
  const c = normalizeValue(value, source, dialect);
  if (!('__reject' in c) && opts.dataset !== undefined) (c as Conversation).dataset = opts.dataset;
  return [c];
}
