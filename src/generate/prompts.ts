/**
 * Filling the config's prompt templates, and reading the model's numbered lists back. Templates
 * use {name} placeholders; a value is inserted literally (no `$&` surprises of String.replace).
 */
import type { GenerateConfig } from './config.js';
import type { ChatMessage, Sector } from './types.js';

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{([a-z_]+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/**
 * Items of a list reply: numbered or bulleted lines; if there are none, the non-empty lines.
 * Markdown emphasis and wrapping quotes are removed. When the reply was cut by the length limit,
 * the caller drops the last item (it may be partial).
 */
export function parseList(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const marked = lines.filter((l) => /^(\d+[.)]|[-*•])\s+/.test(l));
  const picked = marked.length > 0 ? marked : lines;
  const out: string[] = [];
  for (const l of picked) {
    let s = l
      .replace(/^(\d+[.)]|[-*•])\s+/, '')
      .replace(/\*\*/g, '')
      .trim();
    if (/^["“].*["”]$/.test(s)) s = s.slice(1, -1).trim();
    if (s.length >= 3 && !/:$/.test(s)) out.push(s);
  }
  return out;
}

/** A single rewritten instruction: labels like "Rewritten instruction:" and quotes removed. */
export function parseSingle(text: string): string {
  let s = text.trim().replace(/^(\*\*)?(rewritten|detailed|new)?\s*instruction(\*\*)?\s*:\s*/i, '');
  if (/^["“].*["”]$/s.test(s)) s = s.slice(1, -1);
  return s.trim();
}

export function userMessage(content: string): ChatMessage[] {
  return [{ role: 'user', content }];
}

export interface UserTurnContext {
  sector: Sector;
  /** u1, a1, u2, a2, ... so far (ends with an assistant turn). */
  data: readonly string[];
  persona: string;
}

/**
 * What the simulated user model sees: the dialogue as a transcript, then the sector's
 * instruction after it, then the persona, all in one user message. Putting the instruction after
 * the history (not as a system prompt before it) is how UltraChat stopped the user model from
 * slipping into the assistant's role.
 */
export function userTurnMessages(cfg: GenerateConfig, ctx: UserTurnContext): ChatMessage[] {
  const ut = cfg.user_turn;
  const history = ctx.data.map((t, i) => `${i % 2 === 0 ? ut.user_label : ut.assistant_label}: ${t}`).join('\n\n');
  const instruction = cfg.sectors[ctx.sector].user_instruction;
  return userMessage(fill(ut.template, { history, instruction, persona: ctx.persona }).trim());
}

/** What the assistant model sees: the dialogue as alternating chat messages. */
export function assistantMessages(data: readonly string[]): ChatMessage[] {
  return data.map((t, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: t }));
}
