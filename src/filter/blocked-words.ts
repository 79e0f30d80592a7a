/**
 * Blocked words (`--blocked-words FILE|a,b,c`): a conversation any turn of which (user,
 * assistant or system) contains one of the words is dropped with reason `blocked_words`.
 *
 * Matching is FastChat's (fastchat/data/clean_sharegpt.py, `contain_blocked_words`): a
 * case-insensitive substring test, `w in val.lower()`, so "openai" also catches "OpenAI's"
 * and "chatgpt" catches "ChatGPT-4". FastChat's list ships as configs/blocked_words_fastchat.txt
 * (openai, chatgpt); on MedicalGPT's 1,000 records this filter makes the same 105 blocked-words
 * decisions as FastChat (test/filter/blocked-words.test.ts). The search is one combined regex
 * per turn (phrase-matcher.ts), ~180 MB/s for a few hundred words.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { reject } from '../core/types.js';
import { mapStage, type Stage } from '../core/stage.js';
import { UsageError } from '../core/errors.js';
import { PhraseMatcher } from './phrase-matcher.js';
import { configPath, loadList } from './lists.js';

export interface BlockedWordsOptions {
  /** The words (or phrases); case-insensitive substrings. */
  words: readonly string[];
}

/** FastChat's list, from configs/blocked_words_fastchat.txt. */
export function fastchatBlockedWordsPath(): string {
  return configPath('blocked_words_fastchat.txt');
}

/** Resolves the CLI value: a file (one word per line, # comments) or a comma list. */
export function blockedWordsFromSpec(spec: string): BlockedWordsOptions {
  return { words: loadList(spec, '--blocked-words') };
}

/** The first blocked word found, with the turn it is in; undefined when the conversation is clean. */
export function findBlockedWord(conv: Pick<Conversation, 'turns'>, matcher: PhraseMatcher): { word: string; turn: number } | undefined {
  for (let i = 0; i < conv.turns.length; i++) {
    const word = matcher.find(conv.turns[i]!.content);
    if (word !== undefined) return { word, turn: i };
  }
  return undefined;
}

export function filterBlockedWords(conv: Conversation, matcher: PhraseMatcher): Conversation | RejectMarker {
  const hit = findBlockedWord(conv, matcher);
  if (!hit) return conv;
  return reject({
    reason: 'blocked_words',
    detail: `turn ${hit.turn} (${conv.turns[hit.turn]!.role}) contains blocked word ${JSON.stringify(hit.word)}`,
    source: conv.source,
    id: conv.id,
    record: conv,
  });
}

export function blockedWordsFilter(opts: BlockedWordsOptions): Stage {
  if (opts.words.length === 0) throw new UsageError('--blocked-words: the list is empty', 'give a file or a comma list, e.g. openai,chatgpt');
  const matcher = new PhraseMatcher(opts.words);
  return mapStage<Conversation, Conversation>('blocked_words', (conv) => filterBlockedWords(conv, matcher));
}
