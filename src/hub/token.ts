/**
 * Where the Hub token comes from. The token only ever travels in memory to the Authorization
 * header: it is never printed, logged, written, or put in a message (even a wrong one is not
 * echoed back, since a user may have pasted another secret by mistake).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NoTokenError, TokenRefusedError } from './errors.js';

export interface TokenSource {
  /** Path of a file holding the token (first non-empty line); wins over the environment. */
  tokenFile?: string;
  /** The environment to read HF_TOKEN, HF_TOKEN_PATH, HF_HOME from (process.env by default). */
  env?: Record<string, string | undefined>;
}

/**
 * Where `huggingface-cli login` (`hf auth login`) saves the token: HF_TOKEN_PATH, else
 * $HF_HOME/token, else ~/.cache/huggingface/token (huggingface_hub constants.py).
 */
export function savedTokenPath(env: Record<string, string | undefined> = process.env): string {
  if (env.HF_TOKEN_PATH) return env.HF_TOKEN_PATH;
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  return join(home, 'token');
}

/** Reads the token, or returns undefined when none is configured. */
export async function findToken(src: TokenSource = {}): Promise<string | undefined> {
  if (src.tokenFile) {
    let text: string;
    try {
      text = await readFile(src.tokenFile, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new NoTokenError(`--token-file ${src.tokenFile}: cannot read it (${code}); give a file that holds your Hub token`);
    }
    const line = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0);
    if (!line) throw new NoTokenError(`--token-file ${src.tokenFile}: the file is empty; put your Hub token on its first line`);
    return line;
  }
  const env = src.env ?? process.env;
  const t = env.HF_TOKEN?.trim();
  if (t) return t;
  // The token `huggingface-cli login` saved; a missing or unreadable file is simply no token.
  const saved = await readFile(savedTokenPath(env), 'utf8').catch(() => '');
  const line = saved
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line || undefined;
}

/** Reads the token and checks its shape; throws a clear error when there is none. */
export async function requireToken(src: TokenSource = {}): Promise<string> {
  const token = await findToken(src);
  if (!token) {
    throw new NoTokenError(
      'no Hugging Face token: set HF_TOKEN, log in once with `huggingface-cli login` (saves $HF_HOME/token), or pass --token-file FILE (create a write token at https://huggingface.co/settings/tokens)',
    );
  }
  checkTokenShape(token, src.tokenFile ? `--token-file ${src.tokenFile}` : 'HF_TOKEN');
  return token;
}

/** Hub user tokens start with hf_ (the client library refuses others with a less helpful message). */
export function checkTokenShape(token: string, where: string): void {
  if (!/^hf_[A-Za-z0-9_-]+$/.test(token)) {
    throw new TokenRefusedError(`${where} does not hold a Hugging Face token (tokens start with "hf_" and have no spaces); copy it again from https://huggingface.co/settings/tokens`);
  }
}
