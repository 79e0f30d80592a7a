/**
 * `oasst`: OpenAssistant conversation trees. A trees export line is `{message_tree_id, prompt}`
 * where every node is `{message_id, role: prompter|assistant, text, deleted, labels, replies}`.
 * As open-instruct's convert_oasst1_data (its `dfs`): deleted nodes and their subtrees are
 * skipped; each node's non-deleted replies are taken, sorted by the `quality` label (highest
 * first, ties in export order) and cut to `topKReply` when set; a path is emitted at every
 * assistant node that has no replies at all. A node without `labels` or without a quality label
 * has quality 0 (open-instruct's default), so exports without labels are read, not refused.
 * The flat messages export (one message per row with `parent_id`) is grouped into trees first
 * (oasst_messages.ts).
 */
import type { Conversation, RejectMarker, SourcePos, Turn } from '../../core/types.js';
import { bad, type Converted, type FormatOptions, idOf, isObj, type Obj, typeName } from './types.js';

export interface OasstNode {
  message_id?: string;
  role: string;
  text: string;
  deleted: boolean;
  quality: number;
  replies: OasstNode[];
}

/** `labels.quality.value` (trees and messages JSONL), or `labels.name/value` lists (the Hub's Parquet). */
export function qualityOf(labels: unknown): number {
  if (!isObj(labels)) return 0;
  const q = labels.quality;
  if (isObj(q) && typeof q.value === 'number') return q.value;
  if (Array.isArray(labels.name) && Array.isArray(labels.value)) {
    const i = labels.name.indexOf('quality');
    const v = i >= 0 ? labels.value[i] : undefined;
    if (typeof v === 'number') return v;
  }
  return 0;
}

/** A trees-export node to an OasstNode; a string naming the bad field when it does not fit. */
function toNode(v: unknown, path: string): OasstNode | string {
  if (!isObj(v)) return `${path} is ${typeName(v)}, not a message object`;
  if (typeof v.text !== 'string') return `${path}.text is ${typeName(v.text)}, not a string`;
  if (typeof v.role !== 'string') return `${path}.role is ${typeName(v.role)}, not a string`;
  const replies: OasstNode[] = [];
  const rs = v.replies ?? [];
  if (!Array.isArray(rs)) return `${path}.replies is ${typeName(rs)}, not an array`;
  for (const [i, r] of rs.entries()) {
    const n = toNode(r, `${path}.replies[${i}]`);
    if (typeof n === 'string') return n;
    replies.push(n);
  }
  return {
    message_id: typeof v.message_id === 'string' ? v.message_id : undefined,
    role: v.role,
    text: v.text,
    deleted: v.deleted === true,
    quality: qualityOf(v.labels),
    replies,
  };
}

/** Every root-to-assistant-leaf path, in open-instruct's order; a string names an unknown role. */
export function oasstPaths(root: OasstNode, topK?: number): { turns: Turn[]; leaf?: string }[] | string {
  const out: { turns: Turn[]; leaf?: string }[] = [];
  const path: Turn[] = [];
  let error: string | undefined;
  const children = (n: OasstNode): OasstNode[] => {
    const live = n.replies.filter((c) => !c.deleted);
    if (topK === undefined) return live;
    // Array.prototype.sort is stable: equal qualities keep their order, as Python's sorted(reverse=True).
    return live.sort((a, b) => b.quality - a.quality).slice(0, topK);
  };
  const dfs = (n: OasstNode): void => {
    if (n.deleted || error) return;
    if (n.role !== 'assistant' && n.role !== 'prompter') {
      error = `message ${n.message_id ?? '?'} has role ${JSON.stringify(n.role)} (expected prompter or assistant)`;
      return;
    }
    path.push({ role: n.role === 'assistant' ? 'assistant' : 'user', content: n.text });
    if (n.role === 'assistant' && n.replies.length === 0) out.push({ turns: path.slice(), leaf: n.message_id });
    else for (const c of children(n)) dfs(c);
    path.pop();
  };
  dfs(root);
  return error ?? out;
}

/** Conversations of one tree; rejects when the tree is deleted, has an unknown role or no path. */
export function treeConversations(value: unknown, root: OasstNode, treeId: string, source: SourcePos, opts: FormatOptions): Converted {
  if (root.deleted) return [bad(value, source, `the tree's prompt ${root.message_id ?? ''} is deleted`, 'deleted_message', treeId)];
  const paths = oasstPaths(root, opts.topKReply);
  if (typeof paths === 'string') return [bad(value, source, paths, 'unknown_role', treeId)];
  if (paths.length === 0) return [bad(value, source, 'no path of this tree ends with an assistant reply that has no replies', 'empty_conversation', treeId)];
  return paths.map((p, k): Conversation | RejectMarker => {
    const c: Conversation = { id: p.leaf ?? `${treeId}:${k}`, turns: p.turns, source, meta: { message_tree_id: treeId } };
    if (opts.dataset !== undefined) c.dataset = opts.dataset;
    return c;
  });
}

export function convertOasst(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  if (!isObj(value)) return [bad(value, source, `the record is ${typeName(value)}, not an object (oasst trees form: {message_tree_id, prompt})`)];
  if (!isObj(value.prompt)) {
    const hint = 'parent_id' in value ? ' (this is a flat messages row: read the whole file with convertFile)' : '';
    return [bad(value, source, `\`prompt\` is ${typeName(value.prompt)}, not a message tree${hint}`)];
  }
  const treeId = idOf(value, source, 'message_tree_id');
  const root = toNode(value.prompt as Obj, 'prompt');
  if (typeof root === 'string') return [bad(value, source, root, 'malformed', treeId)];
  return treeConversations(value, root, treeId, source, opts);
}
