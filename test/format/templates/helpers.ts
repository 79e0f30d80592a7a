/** Shared by the template tests: vector loaders and the span invariants every template must keep. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { Turn } from '../../../src/core/types.js';
import { pyStrip } from '../../../src/format/templates/pystr.js';
import type { ChatTemplate, Rendered } from '../../../src/format/templates/types.js';

const SHARED = resolve(import.meta.dirname, '../../../../shared/vectors');
export const vector = <T = any>(file: string): T => JSON.parse(readFileSync(resolve(SHARED, file), 'utf8')) as T;

export interface FastChatCase {
  template: string;
  conversation: string;
  system_message_override: string | null;
  system_message_effective: string;
  messages: { role: 'user' | 'assistant'; content: string | null }[];
  prompt: string;
}

/** A FastChat case as turns: the override becomes a system turn; a None reply means "generation prompt". */
export function fastChatTurns(c: FastChatCase): { turns: Turn[]; addGenerationPrompt: boolean } {
  const msgs = c.messages.filter((m) => m.content !== null) as Turn[];
  const sys: Turn[] = c.system_message_override !== null ? [{ role: 'system', content: c.system_message_override }] : [];
  return { turns: [...sys, ...msgs], addGenerationPrompt: msgs.length < c.messages.length };
}

export interface InvariantOptions {
  /** Trained spans come from {% generation %} blocks (they may start at the role header). */
  generationBlocks?: boolean;
}

/**
 * The contract of Rendered, checked on one render:
 * - each non-empty content has exactly one span and the span holds it (stripped if the template strips);
 * - trained spans lie in the text, belong to assistant turns, carry the turn's weight, start with
 *   the reply, overlap no user/system content and no other trained span;
 * - every assistant reply is trained, and nothing before the first message (BOS, system header) is.
 */
export function checkInvariants(t: ChatTemplate, turns: readonly Turn[], r: Rendered, o: InvariantOptions = {}): void {
  const shown = (c: string) => (t.stripsContent ? pyStrip(c) : c);
  turns.forEach((turn, i) => {
    const spans = r.content.filter((s) => s.turn === i);
    if (shown(turn.content) === '' && spans.length === 0) return;
    expect(spans, `content spans of turn ${i}`).toHaveLength(1);
    const s = spans[0]!;
    expect(s.role).toBe(turn.role);
    expect(r.text.slice(s.start, s.end), `content of turn ${i}`).toBe(shown(turn.content));
  });
  const others = r.content.filter((s) => s.role !== 'assistant');
  const sorted = [...r.trained].sort((a, b) => a.start - b.start);
  sorted.forEach((tr, j) => {
    expect(tr.start).toBeGreaterThanOrEqual(0);
    expect(tr.end).toBeLessThanOrEqual(r.text.length);
    expect(tr.start).toBeLessThan(tr.end);
    expect(turns[tr.turn]!.role).toBe('assistant');
    expect(tr.weight).toBe(turns[tr.turn]!.weight ?? 1);
    const content = r.content.find((s) => s.turn === tr.turn)!;
    if (o.generationBlocks) {
      expect(content.start >= tr.start && content.end <= tr.end, 'generation block holds the reply').toBe(true);
    } else {
      expect(tr.start, `trained span of turn ${tr.turn} starts at its content`).toBe(content.start);
      expect(tr.end).toBeGreaterThanOrEqual(content.end);
    }
    for (const u of others) {
      const overlap = Math.max(tr.start, u.start) < Math.min(tr.end, u.end);
      expect(overlap, `trained turn ${tr.turn} overlaps ${u.role} turn ${u.turn}`).toBe(false);
    }
    if (j > 0) expect(tr.start).toBeGreaterThanOrEqual(sorted[j - 1]!.end);
  });
  turns.forEach((turn, i) => {
    if (turn.role === 'assistant')
      expect(
        r.trained.filter((s) => s.turn === i),
        `trained spans of turn ${i}`,
      ).toHaveLength(1);
  });
  const firstContent = Math.min(...r.content.map((s) => s.start), r.text.length);
  for (const tr of r.trained) expect(tr.start).toBeGreaterThanOrEqual(firstContent);
}

/** The prompt for the first k turns (k = each assistant turn) is a prefix of the full render. */
export function checkPrefixes(t: ChatTemplate, turns: readonly Turn[], full: Rendered): void {
  turns.forEach((turn, k) => {
    if (turn.role !== 'assistant') return;
    const prompt = t.render(turns.slice(0, k), { addGenerationPrompt: true }).text;
    expect(full.text.startsWith(prompt), `prompt before turn ${k} is a prefix of the full render`).toBe(true);
    // The trained reply starts where the prompt ends (or after the space some prompts leave out).
    const tr = full.trained.find((s) => s.turn === k)!;
    expect(tr.start).toBeGreaterThanOrEqual(prompt.length);
    expect(full.text.slice(prompt.length, tr.start).trim()).toBe('');
  });
}
