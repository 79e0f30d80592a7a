/**
 * A conversation in ShareGPT's wire form (`{id, conversations: [{from, value}], model?, ...}`):
 * what write_jsonl writes and what a quarantine line shows of a record. Tool results are
 * `observation` turns, as LLaMA-Factory's tool-calling ShareGPT has them.
 */
import type { Conversation } from './types.js';

const FROM: Record<string, string> = { user: 'human', assistant: 'gpt', system: 'system', tool: 'observation' };

export function toShareGpt(c: Conversation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    conversations: c.turns.map((t) => ({ from: FROM[t.role] ?? t.role, value: t.content })),
  };
  if (c.turns.some((t) => t.tool_calls !== undefined))
    (out.conversations as Record<string, unknown>[]).forEach((m, i) => {
      const calls = c.turns[i]!.tool_calls;
      if (calls !== undefined) m.tool_calls = calls;
    });
  if (c.model !== undefined) out.model = c.model;
  if (c.tools !== undefined) out.tools = c.tools;
  if (c.turns.some((t) => t.weight !== undefined && t.weight !== 1)) out.weights = c.turns.map((t) => t.weight ?? 1);
  if (c.meta !== undefined) out.meta = c.meta;
  if (c.scores !== undefined) out.scores = c.scores;
  if (c.candidates !== undefined) out.candidates = c.candidates;
  out.source = c.source.line !== undefined ? { file: c.source.file, line: c.source.line } : { file: c.source.file, index: c.source.index };
  return out;
}
