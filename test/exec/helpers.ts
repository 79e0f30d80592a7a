/**
 * Helpers for the sharding tests: the compiled CLI (rebuilt when a source file is newer than
 * its output: `npm test` builds first anyway), and running it as a separate process, the way a
 * Slurm array task or a Kubernetes pod runs it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/paths.js';

export const CLI = join(ROOT, 'dist/cli/main.js');

function newestTs(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestTs(p));
    else if (e.name.endsWith('.ts')) {
      const js = join(ROOT, 'dist', relative(join(ROOT, 'src'), p)).replace(/\.ts$/, '.js');
      // A source without its output, or newer than it, means dist is stale.
      t = Math.max(t, !existsSync(js) || statSync(p).mtimeMs > statSync(js).mtimeMs ? Infinity : 0);
    }
  }
  return t;
}

/** Builds dist/ when it is missing or older than src/ (tsc emits even if another area has type errors). */
export function ensureBuilt(): void {
  if (existsSync(CLI) && newestTs(join(ROOT, 'src')) === 0) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere still leave the emitted JS; the checks below catch a real failure.
  }
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing after `tsc -p .`: run `npm run build`');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node dist/cli/main.js ARGS` in its own process, with extra environment variables. */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The test's environment without any sharding variables (CI may itself run in an array job). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(SLURM_ARRAY_|JOB_COMPLETION_INDEX$|SFTFORGE_(NUM_SHARDS|SHARD_INDEX|SHARDING)$)/.test(k)) delete env[k];
  return env;
}

export async function ok(p: Promise<CliResult>): Promise<CliResult> {
  const r = await p;
  if (r.code !== 0) throw new Error(`sftforge exited ${r.code}: ${r.stderr}`);
  return r;
}
