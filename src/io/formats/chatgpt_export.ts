/**
 * `chatgpt_export`: one conversation of ChatGPT's data export (`conversations.json`, an array):
 * `{id, title, mapping: {node: {message, parent, children}}, current_node}`. The conversation is
 * the path from `current_node` up through `parent` to the root (what the UI shows); with
 * `branches: all`, every leaf's path. Only text is kept: messages whose content is `text` or
 * `multimodal_text` (string parts joined by newlines), from user, assistant and non-empty
 * system; tool messages, messages addressed to a tool (recipient not `all`), hidden and empty
 * ones are left out, and consecutive messages of one role are joined by a blank line.
 */
import type { Conversation, SourcePos, Turn } from '../../core/types.js';
import { bad, type Converted, conversation, type FormatOptions, isObj, type Obj, typeName } from './types.js';

function textOf(message: unknown): { role: Turn['role']; text: string; model?: string } | undefined {
  if (!isObj(message) || !isObj(message.author) || !isObj(message.content)) return undefined;
  const role = message.author.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system') return undefined;
  if (message.recipient !== undefined && message.recipient !== 'all') return undefined;
  const meta = isObj(message.metadata) ? message.metadata : {};
  if (meta.is_visually_hidden_from_conversation === true) return undefined;
  const { content_type: type, parts } = message.content;
  if ((type !== 'text' && type !== 'multimodal_text') || !Array.isArray(parts)) return undefined;
  const text = parts.filter((p): p is string => typeof p === 'string').join('\n');
  if (text.trim() === '') return undefined;
  return { role, text, model: typeof meta.model_slug === 'string' ? meta.model_slug : undefined };
}

/** Node ids from the root down to `leaf`; undefined when the parent chain breaks or loops. */
function pathTo(mapping: Obj, leaf: string): string[] | undefined {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (let id: unknown = leaf; typeof id === 'string'; ) {
    const node = mapping[id];
    if (!isObj(node) || seen.has(id)) return undefined;
    seen.add(id);
    ids.push(id);
    id = node.parent;
  }
  return ids.reverse();
}

/** Leaves in depth-first order from the roots, following `children` order. */
function leaves(mapping: Obj): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (id: string): void => {
    const n = mapping[id];
    if (!isObj(n) || seen.has(id)) return;
    seen.add(id);
    const kids = Array.isArray(n.children) ? n.children.filter((k): k is string => typeof k === 'string' && k in mapping) : [];
    if (kids.length === 0) out.push(id);
    else kids.forEach(walk);
  };
  for (const [id, n] of Object.entries(mapping)) if (isObj(n) && !(typeof n.parent === 'string' && n.parent in mapping)) walk(id);
  return out;
}

function turnsOf(mapping: Obj, ids: string[]): { turns: Turn[]; model?: string } {
  const turns: Turn[] = [];
  let model: string | undefined;
  for (const id of ids) {
    const t = textOf((mapping[id] as Obj).message);
    if (!t) continue;
    if (t.role === 'assistant' && t.model) model = t.model;
    const last = turns[turns.length - 1];
    if (last && last.role === t.role) last.content += `\n\n${t.text}`;
    else turns.push({ role: t.role, content: t.text });
  }
  return { turns, model };
}

export function convertChatgptExport(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  if (!isObj(value) || !isObj(value.mapping)) {
    return [bad(value, source, `\`mapping\` is ${typeName(isObj(value) ? value.mapping : value)}, not an object (chatgpt_export: one element of conversations.json)`)];
  }
  const mapping = value.mapping;
  const convId = typeof value.id === 'string' ? value.id : typeof value.conversation_id === 'string' ? value.conversation_id : undefined;
  const all = leaves(mapping);
  const current = typeof value.current_node === 'string' && value.current_node in mapping ? value.current_node : all[all.length - 1];
  if (current === undefined) return [bad(value, source, 'the mapping has no nodes', 'empty_conversation', convId)];
  const targets = opts.branches === 'all' ? all : [current];
  const out: Converted = [];
  for (const leaf of targets) {
    const id = opts.branches === 'all' ? `${convId ?? source.index ?? 0}:${leaf}` : convId;
    const ids = pathTo(mapping, leaf);
    if (!ids) {
      out.push(bad(value, source, `the parent chain from node ${leaf} is broken or loops`, 'malformed', id));
      continue;
    }
    const { turns, model } = turnsOf(mapping, ids);
    if (turns.length === 0) {
      out.push(bad(value, source, `no text message on the path to node ${leaf}`, 'empty_conversation', id));
      continue;
    }
    const c: Conversation = conversation(value, source, turns, opts, id);
    const slug = model ?? (typeof value.default_model_slug === 'string' ? value.default_model_slug : undefined);
    if (slug) c.model = slug;
    c.meta = { ...(typeof value.title === 'string' ? { title: value.title } : {}), ...(opts.branches === 'all' ? { current: leaf === current } : {}) };
    out.push(c);
  }
  return out;
}
