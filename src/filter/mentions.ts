/**
 * Tülu v2's identity filter (open-instruct's should_be_filtered): drop a conversation when any
 * message mentions another model or lab from a list (configs/identity_mentions.txt), matched as
 * a case-insensitive substring exactly as upstream. The reject names the phrase and the turn.
 */
import type { Stage } from '../core/stage.js';
import { mapStage } from '../core/stage.js';
import type { Conversation } from '../core/types.js';
import { reject } from '../core/types.js';
import { configPath, readListFile } from './lists.js';
import { PhraseMatcher } from './phrase-matcher.js';

export const DEFAULT_MENTIONS_FILE = 'identity_mentions.txt';

export function defaultMentions(): string[] {
  return readListFile(configPath(DEFAULT_MENTIONS_FILE));
}

export interface MentionsOptions {
  phrases: readonly string[];
  /** Records whose `dataset` is one of these pass unchecked (Tülu v2 exempts hard_coded). */
  exceptDatasets?: readonly string[];
}

/** The first mention: turn index and phrase as listed; undefined when clean. */
export function findMention(c: Conversation, m: PhraseMatcher): { turn: number; phrase: string; at: string } | undefined {
  for (const [i, t] of c.turns.entries()) {
    const phrase = m.find(t.content);
    if (phrase === undefined) continue;
    const k = t.content.toLowerCase().indexOf(phrase.toLowerCase());
    const at = t.content.slice(Math.max(0, k - 30), k + phrase.length + 30).replace(/\s+/g, ' ');
    return { turn: i, phrase, at };
  }
  return undefined;
}

export function mentionsFilter(o: MentionsOptions): Stage {
  const m = new PhraseMatcher(o.phrases);
  const except = new Set(o.exceptDatasets ?? []);
  return mapStage<Conversation, Conversation>('filter_mentions', (c) => {
    if (c.dataset !== undefined && except.has(c.dataset)) return c;
    const hit = findMention(c, m);
    if (!hit) return c;
    return reject({
      reason: 'mentions_other_model',
      detail: `turn ${hit.turn} (${c.turns[hit.turn]!.role}) mentions "${hit.phrase}": …${hit.at}…`,
      source: c.source,
      id: c.id,
      record: c,
    });
  });
}
