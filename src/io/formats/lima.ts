/**
 * `lima`: LIMA's `{conversations: [str, ...], source}`, strings alternating user/assistant from
 * the user. As open-instruct's convert_lima_data, an odd count drops the last string; texts are
 * kept as they are.
 */
import type { SourcePos, Turn } from '../../core/types.js';
import { bad, type Converted, conversation, type FormatOptions, isObj, typeName } from './types.js';

export function convertLima(value: unknown, source: SourcePos, opts: FormatOptions): Converted {
  if (!isObj(value)) return [bad(value, source, `the record is ${typeName(value)}, not an object (lima form: {conversations:[str,...]})`)];
  const list = value.conversations;
  if (!Array.isArray(list)) return [bad(value, source, `\`conversations\` is ${typeName(list)}, not an array`)];
  const i = list.findIndex((s) => typeof s !== 'string');
  if (i >= 0) return [bad(value, source, `conversations[${i}] is ${typeName(list[i])}, not a string (lima: a list of strings)`)];
  const n = list.length - (list.length % 2);
  const turns: Turn[] = (list as string[]).slice(0, n).map((content, k) => ({ role: k % 2 === 0 ? 'user' : 'assistant', content }));
  if (turns.length === 0) return [bad(value, source, `\`conversations\` has ${list.length} string(s): no user/assistant pair`, 'empty_conversation')];
  const c = conversation(value, source, turns, opts);
  if (list.length !== n) c.meta = { dropped_last_turn: true };
  if (typeof value.source === 'string') c.meta = { ...c.meta, source: value.source };
  return [c];
}
