/**
 * Language filter (`--lang en`, or several: `--lang en,zh`): keeps conversations whose language
 * is one of the given ISO 639-1 codes; others are rejected with reason `language`.
 *
 * LIBRARY: eld (Nito-ELD, Apache-2.0, pure JS n-gram model, 60 languages), its `large` database
 * by default (`eldModel: 'medium' | 'small'` for less memory). Chosen with
 * scripts/bench-langid.mjs (`npx tsc -p . && node scripts/bench-langid.mjs --modules DIR`,
 * node 20, 2 shared cores; accuracy %, texts/s over 1,565 texts, 0.31 M chars):
 *
 *   library       en_short en_code_raw  zh    ru  | wrong undet texts/s  MB/s  load ms
 *   eld/large       100.0     100.0   98.6  92.5 |  0.9   0.8   33258  6.61   1123
 *   eld/medium       99.2     100.0   97.8  90.0 |  1.7   0.9   37769  7.50    267
 *   eld/small        99.2     100.0   97.2  90.0 |  2.0   0.9   38424  7.63    194
 *   tinyld          100.0      97.7   97.1 100.0 |  1.8   0.9   10374  2.06    113
 *   franc-min        22.8      88.6   89.1  72.5 | 30.9   2.2   14640  2.91     11
 *   lande            99.2      97.7   83.1  70.0 | 11.9   0.0    3245  0.64     22
 *   cld3-asm         88.8      97.7   94.9  95.0 |  7.7   0.0    8645  1.72     17
 *   cld (native)     98.8     100.0   94.6  92.5 |  1.8   2.7   25512  5.07      4
 *
 * (Speeds from a quiet run; with other jobs on the 2 cores they vary up to 2×, the ranking holds.
 * Accuracy is deterministic.)
 * eld/large makes the fewest confident mistakes and is the fastest but for its smaller
 * databases; its cost is ~1.1 s and ~140 MB of heap to load (medium: 0.27 s, ~60 MB), paid once
 * and only when --lang is used (loaded lazily). tinyld is better on our 40 short Russian
 * sentences (eld/large calls 3 of them bg/uk) but calls Chinese questions that name code or
 * products in Latin letters English ("创建一个 SQL 脚本…" → en), the commoner case in ShareGPT
 * data. franc-min has no answer or a wrong one for short English; cld needs a native build
 * (node-gyp at install, blocked by npm's install-script policy); lande and cld3-asm are less
 * accurate. @smodin/fast-text-language-detection downloads its model at install time (no
 * network here), so it was not measured. Most remaining zh "errors" are label noise (Japanese
 * or Korean records in the Chinese file).
 *
 * HOW A CONVERSATION'S LANGUAGE IS DETERMINED
 * - The sample is the user turns joined, after `stripForLanguage` removes fenced and inline code,
 *   URLs and HTML tags (code is English-looking whatever the conversation's language, and a
 *   Chinese question about Python would otherwise come out as English). The user turns decide
 *   because they are what the conversation is in; answers follow them.
 * - If the user sample has fewer than `minLetters` letters (default 20: "Who are you?" has 9),
 *   the assistant turns are added; if the whole conversation still has fewer, or the library
 *   gives no answer, the language is undetermined: the conversation is KEPT and counted
 *   (`language_undetermined`), since dropping what we cannot judge would silently remove
 *   short but valid records.
 * - Only the first `maxChars` characters of the sample are looked at (default 2,000): enough
 *   for a confident call, and it bounds the cost of very long conversations.
 * Each detected language is counted (`language_detected_<code>`), as OpenChat's filter_language
 * prints its language frequencies.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { isReject, reject } from '../core/types.js';
import type { Stage } from '../core/stage.js';
import { UsageError } from '../core/errors.js';

/** A language identifier: text → ISO 639-1 code, or undefined when it cannot tell. */
export type Detect = (text: string) => string | undefined;
export type DetectAsync = (text: string) => Promise<string | undefined> | string | undefined;

export interface LanguageSampleOptions {
  /** Letters (\p{L}) the sample needs for a call (default 20). */
  minLetters?: number;
  /** Characters of the sample passed to the library (default 2000). */
  maxChars?: number;
}

export type EldModel = 'large' | 'medium' | 'small';

export interface LanguageFilterOptions extends LanguageSampleOptions {
  /** ISO 639-1 codes to keep, e.g. ['en']. */
  langs: readonly string[];
  /** The identifier (default: eld with `eldModel`). */
  detect?: Detect;
  /** eld database (default 'large'). */
  eldModel?: EldModel;
}

export interface LanguageCall {
  /** ISO 639-1 code; undefined when undetermined. */
  lang?: string;
  /** Which text decided: the user turns, all turns, or none (too short). */
  basis: 'user' | 'all' | 'none';
}

const FENCED = /^[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^[ \t]*\1[ \t]*$|(?![\s\S]))/gm;
const INLINE_CODE = /`[^`\n]*`/g;
const URL = /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/gi;
const TAG = /<\/?[A-Za-z][^<>]*>/g;

/** The text with code blocks, inline code, URLs and HTML tags removed and whitespace collapsed. */
export function stripForLanguage(text: string): string {
  return text.replace(FENCED, ' ').replace(INLINE_CODE, ' ').replace(URL, ' ').replace(TAG, ' ').replace(/\s+/g, ' ').trim();
}

function letterCount(s: string): number {
  let n = 0;
  for (const _ of s.matchAll(/\p{L}/gu)) n++;
  return n;
}

/** The text the call is made on, and its basis; undefined when too short (pure). */
export function languageSample(conv: Pick<Conversation, 'turns'>, opts: LanguageSampleOptions = {}): { text: string; basis: 'user' | 'all' } | undefined {
  const min = opts.minLetters ?? 20;
  const max = opts.maxChars ?? 2000;
  const join = (role?: string) =>
    stripForLanguage(
      conv.turns
        .filter((t) => role === undefined || t.role === role)
        .map((t) => t.content)
        .join('\n'),
    );
  let text = join('user');
  let basis: 'user' | 'all' = 'user';
  if (letterCount(text) < min) {
    text = join();
    basis = 'all';
    if (letterCount(text) < min) return undefined;
  }
  return { text: text.slice(0, max), basis };
}

export function detectConversationLanguage(conv: Pick<Conversation, 'turns'>, detect: Detect, opts: LanguageSampleOptions = {}): LanguageCall {
  const s = languageSample(conv, opts);
  if (!s) return { basis: 'none' };
  const lang = detect(s.text) || undefined;
  return lang ? { lang, basis: s.basis } : { basis: 'none' };
}

/** The same with an async identifier (benchmarks of native, callback-based libraries). */
export async function detectConversationLanguageAsync(conv: Pick<Conversation, 'turns'>, detect: DetectAsync, opts: LanguageSampleOptions = {}): Promise<LanguageCall> {
  const s = languageSample(conv, opts);
  if (!s) return { basis: 'none' };
  const lang = (await detect(s.text)) || undefined;
  return lang ? { lang, basis: s.basis } : { basis: 'none' };
}

/** Pure decision: the conversation (kept, possibly undetermined) or a `language` reject. */
export function filterLanguage(conv: Conversation, opts: LanguageFilterOptions & { detect: Detect }): { out: Conversation | RejectMarker; call: LanguageCall } {
  const call = detectConversationLanguage(conv, opts.detect, opts);
  if (call.lang === undefined || opts.langs.includes(call.lang)) return { out: conv, call };
  return {
    call,
    out: reject({
      reason: 'language',
      detail: `detected ${JSON.stringify(call.lang)} from ${call.basis === 'user' ? 'user turns' : 'all turns'}, keeping ${opts.langs.join(',')}`,
      source: conv.source,
      id: conv.id,
      record: conv,
    }),
  };
}

/** Parses `--lang en,zh` (or repeated values) into codes, checking they look like ISO 639-1. */
export function parseLangs(values: string | readonly string[]): string[] {
  const list = (typeof values === 'string' ? [values] : values)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError('--lang: no language given', 'give ISO 639-1 codes, e.g. --lang en or --lang en,zh');
  for (const c of list) if (!/^[a-z]{2}$/.test(c)) throw new UsageError(`--lang: "${c}" is not an ISO 639-1 code`, 'use two-letter codes: en, zh, ru, ...');
  return list;
}

/**
 * eld's detector for one database size, imported on first use (the large one takes ~1 s to load,
 * which runs without --lang should not pay).
 */
export async function loadEldDetect(model: EldModel = 'large'): Promise<Detect> {
  let mod: typeof import('eld/large');
  if (model === 'large') mod = await import('eld/large');
  else if (model === 'medium') mod = await import('eld/medium');
  else if (model === 'small') mod = await import('eld/small');
  else throw new UsageError(`unknown eld model "${String(model)}"`, 'use large, medium or small');
  const { eld } = mod;
  return (text) => eld.detect(text).language || undefined;
}

export function languageFilter(opts: LanguageFilterOptions): Stage {
  const langs = parseLangs(opts.langs);
  return {
    name: 'language',
    async *run(input, ctx) {
      const detect = opts.detect ?? (await loadEldDetect(opts.eldModel));
      for await (const conv of input) {
        if (isReject(conv)) {
          yield conv;
          continue;
        }
        const { out, call } = filterLanguage(conv as Conversation, { ...opts, langs, detect });
        ctx.stats.count(call.lang === undefined ? 'language_undetermined' : `language_detected_${call.lang}`);
        yield out;
      }
    },
  };
}
