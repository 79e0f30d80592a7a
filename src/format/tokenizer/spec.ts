/**
 * What we need to know about a `tokenizer.json` before building a backend from it: its added
 * tokens, the next free id, and whether its pre-tokenizer prepends `▁` only to the first piece
 * (Metaspace `prepend_scheme: "first"`). From it we derive the JSON variants the backends load:
 * - `full`: the tokenizer plus the special tokens the template needs (ids len(vocab)+k, in order);
 * - `plain`: the same without any special added token, so `</s>` typed by a user is plain text;
 * - `plainNoPrefix`: `plain` with Metaspace `prepend_scheme: "never"`, for pieces that do not start
 *   the string (the whole-string tokenizer would not prepend `▁` there either).
 * Editing the JSON (rather than calling each library's add-token API) makes both backends see
 * byte-for-byte the same tokenizer definition.
 */
import { TokenizerLoadError } from './errors.js';
import { scannedMaxId } from './lazy-json.js';

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

export interface TokenizerJson {
  added_tokens?: AddedTokenJson[] | null;
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  decoder?: unknown;
  post_processor?: unknown;
  model: { type?: string; vocab?: Record<string, number> | [string, number][]; [k: string]: unknown };
  [k: string]: unknown;
}

/** A token that the template needs and we registered: recorded in the output metadata. */
export interface NewToken {
  content: string;
  id: number;
  /** true: appended after the vocabulary; false: already in the model vocabulary, now matched as a special token. */
  appended: boolean;
}

export interface PreparedSpec {
  /** tokenizer.json with the template's missing special tokens registered. */
  full: TokenizerJson;
  /** Every special added token (string → id), template tokens included: split on these outside content. */
  specials: Map<string, AddedTokenJson>;
  /** Tokens we added or promoted, in order. */
  added: NewToken[];
  /** len(vocab) after adding: the next free id. */
  vocabSize: number;
  /** Metaspace with prepend_scheme "first": pieces not at offset 0 must not get `▁`. */
  prependFirstOnly: boolean;
  /** The tokenizer puts a prefix space in front of every encoded string (SentencePiece style). */
  prefixesEveryPiece: boolean;
}

export function parseTokenizerJson(text: string, where: string): TokenizerJson {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new TokenizerLoadError(`${where}: not valid JSON (${(e as Error).message})`, 'point --tokenizer at a folder holding a tokenizer.json written by HF tokenizers');
  }
  if (!j || typeof j !== 'object' || !('model' in j)) {
    throw new TokenizerLoadError(
      `${where}: has no "model" section, so it is not a HF tokenizers tokenizer.json`,
      'a sentencepiece tokenizer.model alone is not supported: convert it with transformers (AutoTokenizer.from_pretrained(...).save_pretrained(DIR))',
    );
  }
  return j as TokenizerJson;
}

/** Largest id in the model vocabulary (BPE/WordPiece/WordLevel: object; Unigram: list). */
function maxModelId(model: TokenizerJson['model']): number {
  // A vocabulary left unparsed (lazy-json.ts) is read from its bytes, not parsed for this.
  const scanned = scannedMaxId(model);
  if (scanned !== undefined) return scanned;
  const v = model.vocab;
  if (!v) return -1;
  if (Array.isArray(v)) return v.length - 1;
  let m = -1;
  // for…in, not Object.values: no 150k-entry array built (a third of the time on Qwen's vocab).
  for (const k in v) if (v[k]! > m) m = v[k]!;
  return m;
}

function modelTokenId(model: TokenizerJson['model'], token: string): number | undefined {
  const v = model.vocab;
  if (!v) return undefined;
  if (Array.isArray(v)) {
    const i = v.findIndex(([t]) => t === token);
    return i >= 0 ? i : undefined;
  }
  return Object.hasOwn(v, token) ? v[token] : undefined;
}

/** The Metaspace pre-tokenizers of a pre_tokenizer config (it may be a Sequence). */
function metaspaces(pre: unknown): Record<string, unknown>[] {
  if (!pre || typeof pre !== 'object') return [];
  const p = pre as Record<string, unknown>;
  if (p.type === 'Metaspace') return [p];
  if (p.type === 'Sequence' && Array.isArray(p.pretokenizers)) return p.pretokenizers.flatMap(metaspaces);
  return [];
}

function hasPrependNormalizer(n: unknown): boolean {
  if (!n || typeof n !== 'object') return false;
  const o = n as Record<string, unknown>;
  if (o.type === 'Prepend') return true;
  return o.type === 'Sequence' && Array.isArray(o.normalizers) && o.normalizers.some(hasPrependNormalizer);
}

/**
 * Registers the template's special tokens. A token already added is kept as is (its id and flags
 * stay those of the model); one in the model vocabulary becomes a special added token with its
 * own id; one absent is appended with id len(vocab)+k.
 */
export function prepareSpec(json: TokenizerJson, templateSpecials: readonly string[]): PreparedSpec {
  const full: TokenizerJson = { ...json, added_tokens: [...(json.added_tokens ?? [])] };
  const added = full.added_tokens!;
  const byContent = new Map(added.map((t) => [t.content, t]));
  let next = Math.max(maxModelId(json.model), ...added.map((t) => t.id)) + 1;
  const news: NewToken[] = [];
  for (const content of templateSpecials) {
    if (!content || byContent.has(content)) continue;
    const existing = modelTokenId(json.model, content);
    const tok: AddedTokenJson = {
      id: existing ?? next++,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    };
    added.push(tok);
    byContent.set(content, tok);
    news.push({ content, id: tok.id, appended: existing === undefined });
  }
  const specials = new Map<string, AddedTokenJson>();
  for (const t of added) if (t.special) specials.set(t.content, t);
  const ms = metaspaces(json.pre_tokenizer);
  const prependFirstOnly = ms.some((m) => m.prepend_scheme === 'first');
  const prefixesEveryPiece = hasPrependNormalizer(json.normalizer) || ms.some((m) => m.prepend_scheme !== 'never' && m.add_prefix_space !== false);
  return { full, specials, added: news, vocabSize: next, prependFirstOnly, prefixesEveryPiece };
}

/**
 * Content no real text holds (the id between noncharacters U+FFFF U+FFFE, which interchange text
 * never contains): a special token given this content is never matched.
 */
export function disabledContent(id: number): string {
  return `\uFFFF\uFFFEsftforge-disabled-special-${id}\uFFFE\uFFFF`;
}

/**
 * `full` with its special added tokens disabled: special-token strings become plain text. The
 * Rust library gives an added token outside the model vocabulary the id max + 1 (by order, not by
 * its "id"), so such a token is kept under a content nothing matches, holding its id: dropping
 * Qwen3's special tokens would turn its non-special `<think>` (151667) into 151653, which is
 * `<|vision_end|>`. A special token that is a vocabulary piece (Llama's `<s>`, id 1) holds no
 * added id and is dropped.
 */
export function plainVariant(full: TokenizerJson): TokenizerJson {
  const disable = (t: AddedTokenJson): AddedTokenJson => ({ ...t, content: disabledContent(t.id), single_word: false, lstrip: false, rstrip: false, normalized: false });
  const added: AddedTokenJson[] = [];
  for (const t of full.added_tokens ?? []) {
    if (!t.special) added.push(t);
    else if (modelTokenId(full.model, t.content) !== t.id) added.push(disable(t));
  }
  return { ...full, added_tokens: added };
}

/** Metaspace `prepend_scheme: "first"` → `"never"` (for pieces that do not start the string). */
export function noPrefixVariant(j: TokenizerJson): TokenizerJson {
  const fix = (pre: unknown): unknown => {
    if (!pre || typeof pre !== 'object') return pre;
    const p = pre as Record<string, unknown>;
    if (p.type === 'Metaspace' && p.prepend_scheme === 'first') return { ...p, prepend_scheme: 'never' };
    if (p.type === 'Sequence' && Array.isArray(p.pretokenizers)) return { ...p, pretokenizers: p.pretokenizers.map(fix) };
    return p;
  };
  return { ...j, pre_tokenizer: fix(j.pre_tokenizer) };
}

/** A literal string as a RegExp source. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
