/**
 * Unwanted phrases in assistant turns (`--unwanted mask|drop`): refusals, moralizing, "As an AI
 * language model" and the like. The default list, configs/unwanted_phrases.txt, is OpenChat's
 * UNWANTED_WORDS (adapted by OpenChat from ShareGPT_Vicuna_unfiltered's optional_clean.py);
 * `--unwanted-phrases FILE|a,b` replaces it.
 *
 * - mask: the conversation is kept and each assistant turn that contains a phrase gets
 *   `weight: 0`, so it stays as context but is not trained on: what OpenChat does
 *   (ochat/data/generate_dataset.py: `msg["use_loss"] = not contains_unwanted_words(...)`).
 *   Counted as `unwanted_masked_turns` and `unwanted_masked_conversations`; a conversation whose
 *   every assistant turn is masked is left to the formatter, which rejects it as
 *   `no_trained_tokens`.
 * - drop: the conversation is rejected with reason `unwanted_phrase`.
 *
 * Only assistant turns are searched (a user asking "as an AI, ..." is not a refusal), as in
 * OpenChat. Matching: case-insensitive substring, curly apostrophes folded (phrase-matcher.ts).
 */
import type { Conversation, RejectMarker, Turn } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import type { Stage } from '../core/stage.js';
import { UsageError } from '../core/errors.js';
import { PhraseMatcher } from './phrase-matcher.js';
import { configPath, loadList, readListFile } from './lists.js';

export type UnwantedMode = 'mask' | 'drop';

export interface UnwantedOptions {
  mode: UnwantedMode;
  /** Phrases; default: configs/unwanted_phrases.txt. */
  phrases?: readonly string[];
}

export function defaultUnwantedPhrases(): string[] {
  return readListFile(configPath('unwanted_phrases.txt'));
}

/** Resolves `--unwanted-phrases` (file or comma list); undefined → the default list. */
export function unwantedPhrasesFromSpec(spec: string | undefined): string[] {
  return spec === undefined ? defaultUnwantedPhrases() : loadList(spec, '--unwanted-phrases');
}

export interface UnwantedResult {
  out: Conversation | RejectMarker;
  /** Assistant turns masked (mask mode). */
  masked: number;
}

/** Pure: masks or rejects. The input conversation is not mutated (a masked copy is returned). */
export function applyUnwanted(conv: Conversation, matcher: PhraseMatcher, mode: UnwantedMode): UnwantedResult {
  let turns: Turn[] | undefined;
  let masked = 0;
  for (let i = 0; i < conv.turns.length; i++) {
    const t = conv.turns[i]!;
    if (t.role !== 'assistant') continue;
    const phrase = matcher.find(t.content);
    if (phrase === undefined) continue;
    if (mode === 'drop') {
      return {
        masked: 0,
        out: reject({
          reason: 'unwanted_phrase',
          detail: `turn ${i} (assistant) contains ${JSON.stringify(phrase)}`,
          source: conv.source,
          id: conv.id,
          record: conv,
        }),
      };
    }
    turns ??= conv.turns.slice();
    turns[i] = { ...t, weight: 0 };
    masked++;
  }
  return { out: turns ? { ...conv, turns } : conv, masked };
}

export function unwantedFilter(opts: UnwantedOptions): Stage {
  if (opts.mode !== 'mask' && opts.mode !== 'drop') throw new UsageError(`--unwanted must be mask or drop, got ${String(opts.mode)}`);
  const matcher = new PhraseMatcher(opts.phrases ?? defaultUnwantedPhrases());
  return {
    name: 'unwanted_phrases',
    async *run(input, ctx) {
      for await (const conv of input) {
        if (isReject(conv)) {
          yield conv;
          continue;
        }
        const { out, masked } = applyUnwanted(conv as Conversation, matcher, opts.mode);
        if (masked > 0) {
          ctx.stats.count('unwanted_masked_turns', masked);
          ctx.stats.count('unwanted_masked_conversations');
        }
        yield out;
      }
    },
  };
}
