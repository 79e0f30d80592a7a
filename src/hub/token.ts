/**
 * Where the Hub token comes from. The token only ever travels in memory to the Authorization
 * header: it is never printed, logged, written, or put in a message (even a wrong one is not
 * echoed back, since a user may have pasted another secret by mistake).
 */
import { readFile } from 'node:fs/promises';
import { NoTokenError, TokenRefusedError } from './errors.js';

export interface TokenSource {
  /** Path of a file holding the token (first non-empty line); wins over the environment. */
  tokenFile?: string;
  /** The environment to read HF_TOKEN from (process.env by default). */
  env?: Record<string, string | undefined>;
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
    const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
    if (!line) throw new NoTokenError(`--token-file ${src.tokenFile}: the file is empty; put your Hub token on its first line`);
    return line;
  }
  const env = src.env ?? process.env;
  const t = env.HF_TOKEN?.trim();
  return t ? t : undefined;
}

/** Reads the token and checks its shape; throws a clear error when there is none. */
export async function requireToken(src: TokenSource = {}): Promise<string> {
  const token = await findToken(src);
  if (!token) {
    throw new NoTokenError(
      'no Hugging Face token: set HF_TOKEN or pass --token-file FILE (create a write token at https://huggingface.co/settings/tokens)',
    );
  }
  checkTokenShape(token, src.tokenFile ? `--token-file ${src.tokenFile}` : 'HF_TOKEN');
  return token;
}

/** Hub user tokens start with hf_ (the client library refuses others with a less helpful message). */
export function checkTokenShape(token: string, where: string): void {
  if (!/^hf_[A-Za-z0-9_-]+$/.test(token)) {
    throw new TokenRefusedError(
      `${where} does not hold a Hugging Face token (tokens start with "hf_" and have no spaces); copy it again from https://huggingface.co/settings/tokens`,
    );
  }
}
