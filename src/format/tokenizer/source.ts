/**
 * Where `--tokenizer` points: a local folder (or a tokenizer.json file), a bundled name
 * (`llama2`, `mistral`, `qwen3`: see bundled.ts), or a Hub repo id (downloaded once into a cache
 * folder, then read from there). The result is a set of local file paths, so worker threads load
 * the very same files without any network.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BUNDLED_NAMES, BUNDLED_PACKAGES, type BundledOptions, resolveBundled } from './bundled.js';
import { TokenizerLoadError } from './errors.js';
import type { HubOptions } from './hub.js';
import { findInHfCache } from './hf-cache.js';
import { convertSentencePiece } from './spm-files.js';

export interface TokenizerFiles {
  /** What the user passed (recorded in the manifest). */
  spec: string;
  /** Absolute path of tokenizer.json. */
  tokenizer: string;
  config?: string;
  specialTokensMap?: string;
}

/**
 * Bundled names whose files are a package's `models/*.json` (name → package). `llama2` is not
 * here: it is built at load time (use `resolveBundled` for every bundled name).
 */
export const BUNDLED: Readonly<Record<string, string>> = BUNDLED_PACKAGES;
export { BUNDLED_NAMES, isBundled, resolveBundled, type BundledOptions } from './bundled.js';

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** A local path wins over a bundled name (a folder called `llama2` in the working directory is used as is). */
export async function resolveTokenizer(spec: string, hub: HubOptions = {}, bundled: BundledOptions = {}): Promise<TokenizerFiles> {
  const local = resolve(spec);
  if (existsSync(local)) return fromLocalOrSpm(spec, local, bundled);
  const files = await resolveBundled(spec, bundled);
  if (files) return files;
  if (REPO_ID.test(spec)) {
    // What transformers already downloaded is used as it is, without the network.
    const cached = findInHfCache(spec, hub.revision);
    if (cached) return fromLocalOrSpm(spec, cached, bundled);
    // Loaded here: @huggingface/hub is ~40 ms of start-up that local and bundled tokenizers never use.
    const { fetchHubTokenizer } = await import('./hub.js');
    const dir = await fetchHubTokenizer(spec, hub);
    return fromLocalOrSpm(spec, dir, bundled);
  }
  throw new TokenizerLoadError(
    `--tokenizer ${spec}: no such folder, not a bundled tokenizer (${BUNDLED_NAMES.join(', ')}), and not a Hub repo id (owner/name)`,
    'pass a folder holding tokenizer.json, a bundled name, or a repo id such as openchat/openchat-3.5-0106 (see docs/TOKENIZERS.md)',
  );
}

/** A folder with only a SentencePiece tokenizer.model is converted (sentencepiece.ts) into a cache folder. */
async function fromLocalOrSpm(spec: string, path: string, bundled: BundledOptions): Promise<TokenizerFiles> {
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const isModelFile = !statSync(path).isDirectory() && path.endsWith('.model');
  if (isModelFile || (!existsSync(join(dir, 'tokenizer.json')) && existsSync(join(dir, 'tokenizer.model')))) {
    return convertSentencePiece(spec, isModelFile ? path : join(dir, 'tokenizer.model'), bundled);
  }
  return fromLocal(spec, path);
}

function fromLocal(spec: string, path: string): TokenizerFiles {
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const tokenizer = statSync(path).isDirectory() ? join(path, 'tokenizer.json') : path;
  if (!existsSync(tokenizer)) {
    throw new TokenizerLoadError(
      `${dir}: has no tokenizer.json (nor a SentencePiece tokenizer.model)`,
      'save the tokenizer with transformers (tokenizer.save_pretrained(DIR)), which writes tokenizer.json',
    );
  }
  const opt = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  return { spec, tokenizer, config: opt('tokenizer_config.json'), specialTokensMap: opt('special_tokens_map.json') };
}

export interface TokenizerTexts {
  /** tokenizer.json's bytes: decoded to text only where needed (the Rust backend reads the file itself). */
  tokenizerBytes: Buffer;
  config: Record<string, unknown>;
}

/** Reads the files; special_tokens_map.json fills what tokenizer_config.json lacks. */
export async function readTokenizerFiles(f: TokenizerFiles): Promise<TokenizerTexts> {
  const tokenizerBytes = await readFile(f.tokenizer);
  const read = async (p?: string): Promise<Record<string, unknown>> => {
    if (!p) return {};
    try {
      return JSON.parse(await readFile(p, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new TokenizerLoadError(`${p}: cannot be read as JSON (${(e as Error).message})`);
    }
  };
  const config = await read(f.config);
  const map = await read(f.specialTokensMap);
  for (const [k, v] of Object.entries(map)) if (!(k in config)) config[k] = v;
  return { tokenizerBytes, config };
}
