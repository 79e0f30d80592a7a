/**
 * The flat OASST messages export (`*.messages.jsonl`, or the Hub's Parquet), one message per row
 * with `message_id`, `parent_id`, `message_tree_id`: rows are grouped into trees, then read as
 * the trees export is (oasst.ts). Replies keep file order, sorted by `created_date` when rows
 * carry one (the trees export lists replies oldest first). Only the fields the walk needs are
 * held, for every row of the file: a tree can end anywhere in it.
 */
import type { SourcePos } from '../../core/types.js';
import { type OasstNode, qualityOf, treeConversations } from './oasst.js';
import { bad, type Converted, type FormatOptions, isObj, typeName } from './types.js';

interface FlatNode extends OasstNode {
  parent?: string;
  tree: string;
  created: string;
  order: number;
  source: SourcePos;
}

export async function* convertOasstMessages(rows: AsyncIterable<{ value: unknown; source: SourcePos } | Converted[number]>, opts: FormatOptions): AsyncGenerator<Converted[number]> {
  const byId = new Map<string, FlatNode>();
  const trees = new Map<string, FlatNode[]>();
  let order = 0;
  for await (const row of rows) {
    if ('__reject' in row || !('value' in row)) {
      yield row as Converted[number];
      continue;
    }
    const { value: v, source } = row;
    if (!isObj(v) || typeof v.message_id !== 'string' || typeof v.text !== 'string' || typeof v.role !== 'string') {
      yield bad(v, source, `not an OASST message row (needs string message_id, role, text; got ${typeName(v)})`);
      continue;
    }
    const tree = typeof v.message_tree_id === 'string' ? v.message_tree_id : v.message_id;
    const n: FlatNode = {
      message_id: v.message_id,
      parent: typeof v.parent_id === 'string' ? v.parent_id : undefined,
      role: v.role,
      text: v.text,
      deleted: v.deleted === true,
      quality: qualityOf(v.labels),
      replies: [],
      tree,
      created: typeof v.created_date === 'string' ? v.created_date : '',
      order: order++,
      source,
    };
    byId.set(n.message_id!, n);
    const list = trees.get(tree);
    if (list) list.push(n);
    else trees.set(tree, [n]);
  }
  for (const [treeId, nodes] of trees) {
    const roots: FlatNode[] = [];
    for (const n of nodes) {
      const p = n.parent !== undefined ? byId.get(n.parent) : undefined;
      if (p) p.replies.push(n);
      else if (n.parent === undefined) roots.push(n);
      else yield bad({ message_id: n.message_id, parent_id: n.parent }, n.source, `parent ${n.parent} is not in the file`, 'orphan_message', n.message_id);
    }
    for (const n of nodes) (n.replies as FlatNode[]).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.order - b.order));
    for (const root of roots) {
      yield* treeConversations({ message_tree_id: treeId, message_id: root.message_id }, root, treeId, root.source, opts);
    }
  }
}
