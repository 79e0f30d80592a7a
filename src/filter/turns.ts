/**
 * Turn-count filters (`--min-turns N`, `--max-turns N`).
 *
 * What is counted: messages other than system messages, i.e. user + assistant turns. So a
 * conversation of two rounds (user, assistant, user, assistant) has 4 turns, and `--min-turns 2`
 * drops single questions without an answer. Turns, not rounds, because a record may have an odd
 * number of messages or consecutive same-role messages, where "rounds" is ambiguous; and the
 * system prompt is not part of the dialogue.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { reject } from '../core/types.js';
import { mapStage, type Stage } from '../core/stage.js';
import { UsageError } from '../core/errors.js';

export interface TurnsFilterOptions {
  /** Drop conversations with fewer turns (reason `min_turns`). */
  minTurns?: number;
  /** Drop conversations with more turns (reason `max_turns`). */
  maxTurns?: number;
}

/** User and assistant turns, system messages excluded. */
export function countTurns(conv: Pick<Conversation, 'turns'>): number {
  let n = 0;
  for (const t of conv.turns) if (t.role !== 'system') n++;
  return n;
}

export function validateTurnsOptions(opts: TurnsFilterOptions): void {
  for (const [name, v] of [
    ['--min-turns', opts.minTurns],
    ['--max-turns', opts.maxTurns],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new UsageError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (opts.minTurns !== undefined && opts.maxTurns !== undefined && opts.minTurns > opts.maxTurns) {
    throw new UsageError(`--min-turns ${opts.minTurns} is greater than --max-turns ${opts.maxTurns}: nothing would pass`);
  }
}

export function filterTurns(conv: Conversation, opts: TurnsFilterOptions): Conversation | RejectMarker {
  const n = countTurns(conv);
  const base = { source: conv.source, id: conv.id, record: conv };
  if (opts.minTurns !== undefined && n < opts.minTurns) {
    return reject({ reason: 'min_turns', detail: `${n} turns (system excluded) < --min-turns ${opts.minTurns}`, ...base });
  }
  if (opts.maxTurns !== undefined && n > opts.maxTurns) {
    return reject({ reason: 'max_turns', detail: `${n} turns (system excluded) > --max-turns ${opts.maxTurns}`, ...base });
  }
  return conv;
}

export function turnsFilter(opts: TurnsFilterOptions): Stage {
  validateTurnsOptions(opts);
  return mapStage<Conversation, Conversation>('turns_filter', (conv) => filterTurns(conv, opts));
}
