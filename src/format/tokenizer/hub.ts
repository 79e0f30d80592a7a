/**
 * Hub tokenizers: `tokenizer.json` (+ `tokenizer_config.json`, `special_tokens_map.json` when the
 * repo has them) downloaded with @huggingface/hub into a cache folder, then always read from
 * there. A cached tokenizer is used without touching the network, so a run is reproducible and
 * works offline once the cache is filled.
 */
import { downloadFile } from '@huggingface/hub';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { TokenizerLoadError, TokenizerOfflineError } from './errors.js';

export interface HubOptions {
  /** Cache root (default $SFTFORGE_CACHE/hub, else ~/.cache/sftforge/hub). */
  cacheDir?: string;
  /** Hub endpoint (default https://huggingface.co; tests point it at 127.0.0.1). */
  hubUrl?: string;
  revision?: string;
  /** Never use the network (also HF_HUB_OFFLINE=1 or SFTFORGE_OFFLINE=1). */
  offline?: boolean;
}

const FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

export function defaultCacheDir(): string {
  const root = process.env.SFTFORGE_CACHE;
  return root ? join(root, 'hub') : join(homedir(), '.cache', 'sftforge', 'hub');
}

/** The folder a repo's tokenizer files live in inside the cache. */
export function hubCacheFolder(repo: string, o: HubOptions = {}): string {
  return join(o.cacheDir ?? defaultCacheDir(), repo.replace('/', '--'), o.revision ?? 'main');
}

function isOffline(o: HubOptions): boolean {
  return o.offline === true || process.env.HF_HUB_OFFLINE === '1' || process.env.SFTFORGE_OFFLINE === '1';
}

function fillHint(repo: string, dir: string): string {
  return (
    `fill the cache once with network access (any sftforge tokenize run with --tokenizer ${repo}), ` +
    `or copy tokenizer.json (and tokenizer_config.json, special_tokens_map.json if the repo has them) from the repo into ${dir}; ` +
    `or pass --tokenizer a local folder`
  );
}

/** Returns the cache folder holding the repo's tokenizer.json, downloading it first if needed. */
export async function fetchHubTokenizer(repo: string, o: HubOptions = {}): Promise<string> {
  const dir = hubCacheFolder(repo, o);
  if (existsSync(join(dir, 'tokenizer.json'))) return dir;
  if (isOffline(o)) {
    throw new TokenizerOfflineError(`tokenizer ${repo} is not in the cache folder ${dir} and the network is off`, fillHint(repo, dir));
  }
  // Downloaded files are collected first and written only if tokenizer.json exists, so a failed
  // run never leaves a config without its tokenizer in the cache.
  const got = new Map<string, Uint8Array>();
  for (const path of FILES) {
    let blob: Blob | null;
    try {
      blob = await downloadFile({ repo, path, hubUrl: o.hubUrl, revision: o.revision, accessToken: process.env.HF_TOKEN || undefined });
    } catch (e) {
      const msg = (e as Error).message;
      if (/\b(401|403)\b|unauthori|forbidden|gated/i.test(msg)) {
        throw new TokenizerLoadError(`tokenizer ${repo}: the Hub refused access (${msg})`, 'for a gated or private repo, set HF_TOKEN to a token that can read it');
      }
      if (/\b404\b|not found/i.test(msg)) {
        if (path === 'tokenizer.json') throw new TokenizerLoadError(`tokenizer ${repo}: repo or revision not found on the Hub (${msg})`, 'check the repo id and --tokenizer-revision');
        continue;
      }
      throw new TokenizerOfflineError(`tokenizer ${repo}: cannot download ${path} (${msg}); it is not in the cache folder ${dir}`, fillHint(repo, dir));
    }
    if (!blob) {
      if (path === 'tokenizer.json') {
        throw new TokenizerLoadError(`tokenizer ${repo}: the repo has no tokenizer.json`, 'sftforge reads HF tokenizers files; pick a repo that ships tokenizer.json');
      }
      continue;
    }
    got.set(path, new Uint8Array(await blob.arrayBuffer()));
  }
  // tokenizer.json last: its presence marks a complete cache entry.
  for (const [path, bytes] of [...got].sort(([a], [b]) => (a === 'tokenizer.json' ? 1 : b === 'tokenizer.json' ? -1 : 0))) {
    await writeFileAtomic(join(dir, path), bytes);
  }
  return dir;
}
