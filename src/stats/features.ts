/**
 * Per-dialogue features, computed once and then fed to every accumulator the dialogue belongs
 * to (the dataset and each of its groups): tokenizing, MTLD and hashing are the costly parts.
 */
import type { Conversation } from '../core/types.js';
import { lexTokenize, mtldIds } from './mtld.js';
import { combineHash, hashString } from './distinct.js';

export interface UtteranceFeatures {
  role: 'user' | 'assistant';
  text: string;
  words: number;
  chars: number;
  /** null when the utterance has no lexical token (MTLD undefined upstream). */
  mtld: number | null;
  /** 64-bit hashes of the unigrams and bigrams, lo and hi words interleaved. */
  unigrams: Uint32Array;
  bigrams: Uint32Array;
}

export interface DialogueFeatures {
  systemTurns: number;
  utterances: UtteranceFeatures[];
}

export function dialogueFeatures(conv: Conversation, threshold: number): DialogueFeatures {
  let systemTurns = 0;
  const utterances: UtteranceFeatures[] = [];
  for (const t of conv.turns) {
    if (t.role === 'system') systemTurns++;
    // Tool results are function output, not dialogue: no utterance statistics.
    else if (t.role !== 'tool') utterances.push(utteranceFeatures(t.role, t.content, threshold));
  }
  return { systemTurns, utterances };
}

const tmp = new Uint32Array(2);

export function utteranceFeatures(role: 'user' | 'assistant', text: string, threshold: number): UtteranceFeatures {
  const tokens = lexTokenize(text);
  const n = tokens.length;
  // Intern once: the ids serve MTLD, and each type is hashed once however often it occurs.
  const ids = new Int32Array(n);
  const index = new Map<string, number>();
  const typeHash: number[] = [];
  for (let i = 0; i < n; i++) {
    const tok = tokens[i]!;
    let id = index.get(tok);
    if (id === undefined) {
      id = index.size;
      index.set(tok, id);
      hashString(tok, tmp);
      typeHash.push(tmp[0]!, tmp[1]!);
    }
    ids[i] = id;
  }
  const unigrams = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    unigrams[2 * i] = typeHash[2 * ids[i]!]!;
    unigrams[2 * i + 1] = typeHash[2 * ids[i]! + 1]!;
  }
  const bigrams = new Uint32Array(n > 1 ? 2 * (n - 1) : 0);
  for (let i = 0; i + 1 < n; i++) {
    combineHash(unigrams[2 * i]!, unigrams[2 * i + 1]!, unigrams[2 * i + 2]!, unigrams[2 * i + 3]!, tmp);
    bigrams[2 * i] = tmp[0]!;
    bigrams[2 * i + 1] = tmp[1]!;
  }
  return {
    role,
    text,
    words: countWords(text),
    chars: countCodePoints(text),
    mtld: n > 0 ? mtldIds(ids, index.size, threshold) : null,
    unigrams,
    bigrams,
  };
}

/** Python str.isspace() for one UTF-16 unit (what `str.split()` splits on). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Words as Python's `len(text.split())`: runs of non-whitespace. */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const sp = isSpace(text.charCodeAt(i));
    if (!sp && !inWord) words++;
    inWord = !sp;
  }
  return words;
}

/** Unicode code points (a surrogate pair counts once), as Python's len(). */
export function countCodePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i + 1 < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
