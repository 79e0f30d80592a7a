/**
 * The Hugging Face cache that transformers and huggingface_hub fill
 * (`models--{org}--{name}/refs/{revision}` holds a commit hash, `snapshots/{commit}/` the files),
 * looked up before any network access so a tokenizer transformers already downloaded is used offline.
 * Roots, in huggingface_hub's order: HF_HUB_CACHE, then $HF_HOME/hub, then
 * $XDG_CACHE_HOME/huggingface/hub, then ~/.cache/huggingface/hub.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function hfCacheRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const roots: string[] = [];
  if (env.HF_HUB_CACHE) roots.push(env.HF_HUB_CACHE);
  if (env.HF_HOME) roots.push(join(env.HF_HOME, 'hub'));
  if (env.XDG_CACHE_HOME) roots.push(join(env.XDG_CACHE_HOME, 'huggingface', 'hub'));
  roots.push(join(homedir(), '.cache', 'huggingface', 'hub'));
  return [...new Set(roots)];
}

const COMMIT = /^[0-9a-f]{40}$/;
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer.model'];

/** The snapshot folder holding the repo's tokenizer (tokenizer.json or tokenizer.model) at `revision`, if cached. */
export function findInHfCache(repo: string, revision = 'main', env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = `models--${repo.replace('/', '--')}`;
  for (const root of hfCacheRoots(env)) {
    const base = join(root, name);
    if (!existsSync(base)) continue;
    let commit = COMMIT.test(revision) ? revision : undefined;
    const ref = join(base, 'refs', revision);
    if (!commit && existsSync(ref)) commit = readFileSync(ref, 'utf8').trim();
    if (!commit) continue;
    const snap = join(base, 'snapshots', commit);
    if (TOKENIZER_FILES.some((f) => existsSync(join(snap, f)))) return snap;
  }
  return undefined;
}
