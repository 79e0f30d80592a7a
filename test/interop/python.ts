/**
 * The Python venv made by scripts/setup-python.sh (datasets, transformers, sentencepiece from
 * ../shared/wheels/py311, offline). Interop tests run when it exists and say why they skip otherwise.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';

/** SFTFORGE_PYTHON points the tests at another interpreter (one with datasets, transformers, sentencepiece). */
export const PYTHON = process.env.SFTFORGE_PYTHON ?? join(ROOT, '.venv-py', 'bin', 'python');
export const HAS_PYTHON = existsSync(PYTHON);
export const SKIP_REASON = `skipped: ${PYTHON} not found; run scripts/setup-python.sh (builds it offline from ../shared/wheels/py311)`;

if (!HAS_PYTHON) process.stderr.write(`test/interop: ${SKIP_REASON}\n`);

/**
 * Runs `code` with `args` as JSON (the script reads `json.loads(sys.argv[1])`: a shim puts stdin
 * there, so big inputs stay off the command line and out of error messages); it prints one JSON
 * value last. A failure rejects with Python's stderr tail.
 */
export function py<T = unknown>(code: string, args: unknown): Promise<T> {
  const shim = `import sys\nsys.argv = [sys.argv[0], sys.stdin.read()]\n${code}`;
  const env = {
    ...process.env,
    HF_HUB_OFFLINE: '1',
    HF_DATASETS_OFFLINE: '1',
    TRANSFORMERS_OFFLINE: '1',
    HF_DATASETS_CACHE: join(ROOT, '.venv-py', 'datasets-cache'),
    TOKENIZERS_PARALLELISM: 'false',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', shim], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) return reject(new Error(`python exited with ${status}: ${Buffer.concat(err).toString().trim().split('\n').slice(-8).join('\n')}`));
      const last = Buffer.concat(out).toString().trim().split('\n').at(-1)!;
      try {
        resolve(JSON.parse(last) as T);
      } catch (e) {
        reject(new Error(`python printed no JSON last (${(e as Error).message}): ${last.slice(0, 200)}`));
      }
    });
    child.stdin.end(JSON.stringify(args));
  });
}
