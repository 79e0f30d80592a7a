/**
 * Which format a record is in, from its keys alone: in its own file so that reading a plain
 * ShareGPT file (whose first record decides its reader) does not load every converter.
 */
import { hasTools } from './tools.js';
import { isObj } from './types.js';

const has = (o: Record<string, unknown>, ...keys: string[]) => keys.every((k) => k in o);
const strs = (o: Record<string, unknown>, ...keys: string[]) => keys.every((k) => typeof o[k] === 'string');

/**
 * The format of a record when its keys say it without doubt, else undefined. Shapes that read
 * the same way are not told apart (self_instruct reads as alpaca, cot as flan).
 */
export function detectFormat(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  if (isObj(v.mapping) && ('current_node' in v || 'title' in v)) return 'chatgpt_export';
  if (isObj(v.prompt) && 'message_tree_id' in v) return 'oasst';
  if (strs(v, 'message_id', 'role', 'text') && 'parent_id' in v) return 'oasst';
  if (has(v, 'Definition', 'Instances')) return 'super_ni';
  if (Array.isArray(v.instances) && typeof v.instruction === 'string') return 'unnatural';
  if (Array.isArray(v.conversations)) {
    if (v.conversations.every((s) => typeof s === 'string')) return 'lima';
    if (hasTools(v)) return 'sharegpt_tools';
    return 'idx' in v ? 'wizardlm' : 'sharegpt';
  }
  if (Array.isArray(v.messages)) return 'openai';
  if (Array.isArray(v.data) && !('conversations' in v)) return 'ultrachat';
  if (strs(v, 'question', 'response') && 'system_prompt' in v) return 'open_orca';
  if (strs(v, 'inputs', 'targets')) return 'flan';
  if (strs(v, 'instruction', 'response') && 'context' in v) return 'dolly';
  if (strs(v, 'instruction', 'output')) return 'alpaca';
  if (typeof v.input === 'string' && v.input.includes('[|Human|]')) return 'baize';
  if (strs(v, 'prompt', 'completion')) return 'prompt_completion';
  return undefined;
}
