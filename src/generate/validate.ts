/**
 * Which generated turns are regenerated, and why. Each reason code is counted in the report and
 * journaled with the attempt, so `grep user_answers_like_assistant` finds the rule and its count.
 */
import type { GenerateConfig } from './config.js';

export type TurnRejectReason = 'empty_reply' | 'truncated_reply' | 'politeness_only' | 'user_answers_like_assistant' | 'assistant_refusal';

export interface CompiledRules {
  politeness: { phrases: string[]; filler: Set<string> };
  assistantLike: RegExp[];
  refusal: RegExp[];
  maxUserListItems: number;
  maxUserChars: number;
}

export function compileRules(r: GenerateConfig['rejection']): CompiledRules {
  return {
    // Longest phrases first so "thank you" is removed before "you".
    politeness: { phrases: r.politeness_phrases.map(normalize).sort((a, b) => b.length - a.length), filler: new Set(r.politeness_filler.map(normalize)) },
    assistantLike: r.assistant_like_patterns.map((p) => new RegExp(p, 'iu')),
    refusal: r.refusal_patterns.map((p) => new RegExp(p, 'iu')),
    maxUserListItems: r.max_user_list_items,
    maxUserChars: r.max_user_chars,
  };
}

/** Lower case, curly quotes straightened, everything but letters, digits and apostrophes made a space. */
function normalize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** A turn made only of thanks, goodbyes and filler ("Thank you so much!", "You're welcome."). */
export function isPolitenessOnly(text: string, rules: CompiledRules['politeness']): boolean {
  let s = ` ${normalize(text)} `;
  if (s.trim() === '') return false;
  let found = false;
  for (const p of rules.phrases) {
    const needle = ` ${p} `;
    while (s.includes(needle)) {
      s = s.replace(needle, ' ');
      found = true;
    }
  }
  if (!found) return false;
  return s
    .trim()
    .split(' ')
    .every((w) => w === '' || rules.filler.has(w));
}

function listItems(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (/^\s*(\d+[.)]|[-*•])\s+\S/.test(line)) n++;
  return n;
}

export interface ReplyCheck {
  content: string;
  finishReason: string | null;
}

/** The reason a reply must be regenerated, or null when it is usable. Order: cheapest and surest first. */
export function checkReply(role: 'user' | 'assistant', r: ReplyCheck, rules: CompiledRules): TurnRejectReason | null {
  if (r.finishReason === 'length') return 'truncated_reply';
  const text = r.content.trim();
  if (text === '') return 'empty_reply';
  if (isPolitenessOnly(text, rules.politeness)) return 'politeness_only';
  if (role === 'user') {
    if (text.length > rules.maxUserChars) return 'user_answers_like_assistant';
    if (listItems(text) > rules.maxUserListItems) return 'user_answers_like_assistant';
    if (rules.assistantLike.some((re) => re.test(text))) return 'user_answers_like_assistant';
  } else {
    const head = text.slice(0, 400);
    if (rules.refusal.some((re) => re.test(head))) return 'assistant_refusal';
  }
  return null;
}

/**
 * Models playing the user often prefix their turn with its label ("User: ...") or wrap it in
 * quotes; both are removed rather than regenerated. Returns the cleaned text and whether it changed.
 */
export function cleanUserTurn(text: string, userLabel: string): { text: string; repaired: boolean } {
  let s = text.trim();
  const label = new RegExp(`^(\\*\\*)?(${escapeRe(userLabel)}|user|human)(\\*\\*)?\\s*:\\s*(\\*\\*)?`, 'i');
  s = s.replace(label, '').trim();
  if (s.length >= 2 && /^["“].*["”]$/s.test(s) && !/["“”]/.test(s.slice(1, -1))) s = s.slice(1, -1).trim();
  return { text: s, repaired: s !== text.trim() };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
