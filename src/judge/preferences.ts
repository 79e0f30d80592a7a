/**
 * Preference pairs from judged candidates, in TRL's conversational preference format:
 * `prompt` (the messages before the reply), `chosen` and `rejected` (each one assistant message).
 * Default: the best and the worst candidate. With `margin`: every pair whose score difference is
 * greater than the margin, best chosen first. No pair when all scores tie; unscored candidates
 * (null) take no part. Among equal scores the earlier candidate counts as the better, and a reply
 * text that occurs twice is used once.
 */
import type { Candidate, Conversation } from '../core/types.js';

export interface Message {
  role: string;
  content: string;
}

export interface PreferenceRow {
  id: string;
  prompt: Message[];
  chosen: Message[];
  rejected: Message[];
  score_chosen: number;
  score_rejected: number;
}

export interface PairOptions {
  /** Every pair more than `margin` apart (default: only best vs worst). */
  margin?: number;
}

/** The turns before the reply: everything before the last turn when it is the assistant's. */
export function promptOf(rec: Conversation): Message[] {
  const turns = rec.turns[rec.turns.length - 1]?.role === 'assistant' ? rec.turns.slice(0, -1) : rec.turns;
  return turns.map((t) => ({ role: t.role, content: t.content }));
}

export function preferencePairs(rec: Conversation, o: PairOptions = {}): PreferenceRow[] {
  const seen = new Set<string>();
  const scored: (Candidate & { score: number })[] = [];
  for (const c of rec.candidates ?? []) {
    if (typeof c?.content !== 'string' || typeof c.score !== 'number' || !Number.isFinite(c.score) || seen.has(c.content)) continue;
    seen.add(c.content);
    scored.push(c as Candidate & { score: number });
  }
  // Stable sort: best first, equal scores in candidate order.
  const ranked = scored
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.score - a.c.score || a.i - b.i)
    .map((x) => x.c);
  if (ranked.length < 2) return [];
  const prompt = promptOf(rec);
  const row = (a: Candidate & { score: number }, b: Candidate & { score: number }, k: number): PreferenceRow => ({
    id: k === 0 ? rec.id : `${rec.id}#${k}`,
    prompt,
    chosen: [{ role: 'assistant', content: a.content }],
    rejected: [{ role: 'assistant', content: b.content }],
    score_chosen: a.score,
    score_rejected: b.score,
  });
  if (o.margin === undefined) {
    const best = ranked[0]!;
    const worst = ranked[ranked.length - 1]!;
    return best.score > worst.score ? [row(best, worst, 0)] : [];
  }
  const rows: PreferenceRow[] = [];
  for (let i = 0; i < ranked.length; i++) {
    for (let k = i + 1; k < ranked.length; k++) {
      const d = ranked[i]!.score - ranked[k]!.score;
      if (d > o.margin && d > 0) rows.push(row(ranked[i]!, ranked[k]!, rows.length));
    }
  }
  return rows;
}
