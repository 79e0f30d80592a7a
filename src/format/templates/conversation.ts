/**
 * Shared checks for the built-in templates: where the system prompt comes from and whether the
 * roles follow the order a positional format needs.
 */
import type { Turn } from '../../core/types.js';
import { TemplateError } from './errors.js';

export interface SplitConversation {
  /** The system text to render ('' = none), and the index of the system turn it came from (-1 = none). */
  system: string;
  systemTurn: number;
  /** The other turns with their index in the input. */
  messages: { turn: Turn; index: number }[];
}

/**
 * Takes a leading system turn out of the conversation. Without one, `fallback` (the caller's
 * `systemPrompt` option, else the template's default) is used and has no span: it is template text.
 */
export function splitSystem(template: string, turns: readonly Turn[], fallback: string): SplitConversation {
  const messages: { turn: Turn; index: number }[] = [];
  let system = fallback;
  let systemTurn = -1;
  turns.forEach((turn, index) => {
    if (turn.role !== 'system') {
      messages.push({ turn, index });
      return;
    }
    if (index !== 0) {
      throw new TemplateError(
        'system_not_first',
        template,
        `turn ${index} is a system turn; this format has a system slot only before the first message`,
        'merge the system text into the first system turn or drop the record',
      );
    }
    system = turn.content;
    systemTurn = 0;
  });
  return { system, systemTurn, messages };
}

/** Formats that pick role tags or separators by position need user, assistant, user, ... */
export function assertAlternating(template: string, messages: SplitConversation['messages']): void {
  messages.forEach(({ turn, index }, i) => {
    const want = i % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== want) {
      throw new TemplateError(
        'wrong_alternation',
        template,
        `turn ${index} is ${turn.role}, expected ${want}: this format alternates user/assistant starting with user`,
        'repair the conversation (merge consecutive turns) before formatting',
      );
    }
  });
}
