/**
 * Loading a tokenizer for the format stage: resolve --tokenizer to local files, register the
 * template's special tokens, and build the backend (Rust binding, else pure JS).
 */
import { isUtf8 } from 'node:buffer';
import { webcrypto } from 'node:crypto';
import type { Backend, BackendKind } from './backend.js';
import { TableDecoder } from './decode-table.js';
import { TokenizerLoadError } from './errors.js';
import type { HubOptions } from './hub.js';
import { scanTokenizerJson } from './lazy-json.js';
import { NativeBackend, nativeLoadError, tryLoadNative } from './native.js';
import { readTokenizerFiles, resolveTokenizer, type TokenizerFiles } from './source.js';
import { type PreparedSpec, parseTokenizerJson, prepareSpec } from './spec.js';

export type BackendChoice = 'auto' | BackendKind;

export interface LoadTokenizerOptions {
  /** Special tokens the chat template writes (added when the tokenizer lacks them). */
  templateSpecials: readonly string[];
  backend?: BackendChoice;
  hub?: HubOptions;
}

export interface LoadedTokenizer {
  files: TokenizerFiles;
  backend: Backend;
  spec: PreparedSpec;
  /** tokenizer_config.json (+ special_tokens_map.json) */
  config: Record<string, unknown>;
  /** sha256 of tokenizer.json as read: recorded in the manifest. */
  sha256: string;
  /** Why the native backend was not used, when it was not. */
  fallbackReason?: string;
  /** Decodes (table decoder when the decoder family allows, else the backend). */
  decodeBatch(ids: readonly ArrayLike<number>[]): Promise<string[]>;
  /**
   * True when `ids` are proven to decode to `expected` (their bytes are its UTF-8), without
   * building the string; false means "decode and compare" (see TableDecoder.sameText).
   */
  sameText?(ids: ArrayLike<number>, expected: string): boolean;
}

/** The table decoder, built on first use (shared by decodeBatch and sameText). */
function lazyTable(build: () => TableDecoder | null): () => TableDecoder | null {
  let table: TableDecoder | null | undefined;
  return () => (table === undefined ? (table = build()) : table);
}

/**
 * Table decode where possible; ids the table lacks go through the backend, in one batch. `table`
 * gives the table (lazyTable: built on the first decode, not while loading).
 */
export function makeDecoder(backend: Backend, table: () => TableDecoder | null): LoadedTokenizer['decodeBatch'] {
  return async (list) => {
    const t = table();
    const out: (string | undefined)[] = list.map((ids) => t?.decode(ids));
    // A plain loop: flatMap built an array per request (a few per sample), ~2% of the stage.
    const missing: number[] = [];
    for (let i = 0; i < out.length; i++) if (out[i] === undefined) missing.push(i);
    if (missing.length) {
      const got = await backend.decodeBatch(missing.map((i) => Array.from(list[i]!)));
      missing.forEach((i, k) => (out[i] = got[k]));
    }
    return out as string[];
  };
}

/** `spec` is what the user typed, or files already resolved (worker threads get those). */
export async function loadTokenizer(spec: string | TokenizerFiles, o: LoadTokenizerOptions): Promise<LoadedTokenizer> {
  const files = typeof spec === 'string' ? await resolveTokenizer(spec, o.hub) : spec;
  const { tokenizerBytes: bytes, config } = await readTokenizerFiles(files);
  const choice = o.backend ?? 'auto';
  const mod = choice !== 'js' ? tryLoadNative() : null;
  // Decoded only when needed: with the binding and valid UTF-8 it never is.
  let text: string | undefined;
  const textOf = () => (text ??= bytes.toString('utf8'));
  const utf8 = isUtf8(bytes);
  // The manifest's hash is of the text as decoded (the bytes, when valid UTF-8). WebCrypto hashes
  // on libuv's thread pool, while this thread builds the Rust tokenizer below.
  const hashing = webcrypto.subtle.digest('SHA-256', utf8 ? bytes : Buffer.from(textOf(), 'utf8'));
  hashing.catch(() => undefined); // awaited below; a load error may come first
  // With the binding, JS parses only the small sections (lazy-json.ts); else, or when the scan
  // cannot follow the file, all of it.
  const reportInvalid = () => void parseTokenizerJson(textOf(), files.tokenizer);
  const scanned = mod && utf8 ? scanTokenizerJson(bytes, reportInvalid) : undefined;
  const parsed = scanned ?? parseTokenizerJson(textOf(), files.tokenizer);
  const prepared = prepareSpec(parsed, o.templateSpecials);
  // Nothing added and added_tokens already a list: `full` says what the file says.
  const unchanged = prepared.added.length === 0 && Array.isArray(parsed.added_tokens);
  let fallbackReason: string | undefined;
  let backend: Backend | undefined;
  if (choice !== 'js') {
    if (mod) {
      try {
        backend = new NativeBackend(mod, prepared, unchanged ? (utf8 ? { file: files.tokenizer } : { text: textOf() }) : undefined);
      } catch (e) {
        // The scan skipped the vocabulary and merges: a syntax error there is reported as before.
        if (scanned) reportInvalid();
        fallbackReason = `the Rust tokenizers binding cannot read ${files.tokenizer}: ${(e as Error).message}`;
      }
    } else fallbackReason = `the Rust tokenizers binding does not load here: ${nativeLoadError}`;
    if (!backend && choice === 'native') throw new TokenizerLoadError(fallbackReason!, 'use --tokenizer-backend js, or reinstall the tokenizers package for this platform');
  }
  // Loaded only when used: @huggingface/tokenizers is start-up time a run with the binding never needs.
  backend ??= new (await import('./js.js')).JsBackend(prepared, config);
  const b = backend;
  // Native: tokens come from the Rust tokenizer as ids are first met, so the vocabulary is never
  // read in JS (the same strings: build() checked that the added ids agree).
  const table = lazyTable(() => (b.kind === 'native' ? TableDecoder.fromLookup(prepared.full.decoder, prepared.vocabSize, (id) => b.idToToken(id)) : TableDecoder.fromJson(prepared.full)));
  const sameText = (ids: ArrayLike<number>, expected: string) => table()?.sameText(ids, expected) ?? false;
  const sha256 = Buffer.from(await hashing).toString('hex');
  return { files, backend, spec: prepared, config, sha256, fallbackReason, decodeBatch: makeDecoder(backend, table), sameText };
}

export type { Backend, Encoding, Variant } from './backend.js';
export type { TokenizerFiles } from './source.js';
