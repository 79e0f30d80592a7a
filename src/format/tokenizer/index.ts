/**
 * Loading a tokenizer for the format stage: resolve --tokenizer to local files, register the
 * template's special tokens, and build the backend (Rust binding, else pure JS).
 */
import { createHash } from 'node:crypto';
import type { Backend, BackendKind } from './backend.js';
import { TableDecoder } from './decode-table.js';
import { TokenizerLoadError } from './errors.js';
import type { HubOptions } from './hub.js';
import { JsBackend } from './js.js';
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
 * may be a function: the table is then built on the first decode, not while loading.
 */
export function makeDecoder(backend: Backend, tableOrBuild: TableDecoder | null | (() => TableDecoder | null)): LoadedTokenizer['decodeBatch'] {
  let table = typeof tableOrBuild === 'function' ? undefined : tableOrBuild;
  return async (list) => {
    if (table === undefined) table = (tableOrBuild as () => TableDecoder | null)();
    const t = table;
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
  const { tokenizerJson, config } = await readTokenizerFiles(files);
  const parsed = parseTokenizerJson(tokenizerJson, files.tokenizer);
  const prepared = prepareSpec(parsed, o.templateSpecials);
  // Nothing added and added_tokens already a list: `full` says what the file says.
  const unchanged = prepared.added.length === 0 && Array.isArray(parsed.added_tokens);
  const sha256 = createHash('sha256').update(tokenizerJson).digest('hex');
  const choice = o.backend ?? 'auto';
  let fallbackReason: string | undefined;
  let backend: Backend | undefined;
  if (choice !== 'js') {
    const mod = tryLoadNative();
    if (mod) {
      try {
        backend = new NativeBackend(mod, prepared, unchanged ? tokenizerJson : undefined);
      } catch (e) {
        fallbackReason = `the Rust tokenizers binding cannot read ${files.tokenizer}: ${(e as Error).message}`;
      }
    } else fallbackReason = `the Rust tokenizers binding does not load here: ${nativeLoadError}`;
    if (!backend && choice === 'native') throw new TokenizerLoadError(fallbackReason!, 'use --tokenizer-backend js, or reinstall the tokenizers package for this platform');
  }
  backend ??= new JsBackend(prepared, config);
  const table = lazyTable(() => TableDecoder.fromJson(prepared.full));
  const sameText = (ids: ArrayLike<number>, expected: string) => table()?.sameText(ids, expected) ?? false;
  return { files, backend, spec: prepared, config, sha256, fallbackReason, decodeBatch: makeDecoder(backend, table), sameText };
}

export type { Backend, Encoding, Variant } from './backend.js';
export type { TokenizerFiles } from './source.js';
