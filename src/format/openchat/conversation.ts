/**
 * OpenChat's per-conversation steps (imoneoi/openchat @47a3596): the Parquet row
 * `generate_dataset.add_single_conv` makes from tokens and weights after `tokens[:max_context]`,
 * and one line of its `Conversation` JSONL model (ochat/config/conversation_template.py).
 */
import type { Turn } from '../../core/types.js';
import { OPENCHAT_PAD_ID, type OpenChatRow } from '../writers/openchat-file.js';

/** A conversation's OpenChat tokens → the Parquet row add_single_conv makes (null: nothing trained). */
export function addSingleConv(ids: ArrayLike<number>, weights: ArrayLike<number>, maxContext: number): OpenChatRow | null {
  let end = Math.min(ids.length, maxContext);
  while (end > 0 && weights[end - 1] === 0) end--;
  if (end === 0) return null;
  const row: OpenChatRow = { total_length: end, num_seqs: 0, seqlens: [end], nz_input_ids: [], nz_position_ids: [], nz_shifted_label_ids: [], nz_shifted_loss_weights: [] };
  let sum = 0;
  for (let i = 0; i < end; i++) {
    row.nz_input_ids.push(ids[i]!);
    row.nz_position_ids.push(i);
    const next = i + 1 < end ? i + 1 : -1;
    const w = next < 0 ? 0 : weights[next]!;
    row.nz_shifted_label_ids.push(next < 0 || w === 0 ? OPENCHAT_PAD_ID : ids[next]!);
    row.nz_shifted_loss_weights.push(w);
    sum += w;
  }
  row.num_seqs = Math.fround(sum);
  return row;
}

/** One JSONL line of OpenChat's Conversation model. */
export function openChatConversation(turns: readonly Turn[], system: string, condition: string, classWeight: number): string {
  const items = turns.filter((t) => t.role !== 'system').map((t) => ({ role: t.role, content: t.content, weight: t.role === 'assistant' ? (t.weight ?? 1) * classWeight : 0 }));
  return JSON.stringify({ items, system, condition });
}
