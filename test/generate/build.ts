/**
 * Compiles src/cli/commands/generate.ts (and what it imports) plus the fake server into a private
 * folder under node_modules/.cache, so spawned processes run real JS without depending on the
 * whole project building. Under node_modules so that packages resolve from the compiled files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export function buildGenerate(): string {
  const out = join(ROOT, 'node_modules/.cache/sftforge-test-generate', String(process.pid));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(
    process.execPath,
    [
      tsc,
      '--outDir',
      out,
      '--rootDir',
      join(ROOT, 'src'),
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--strict',
      '--skipLibCheck',
      '--types',
      'node',
      '--resolveJsonModule',
      join(ROOT, 'src/cli/commands/generate.ts'),
      join(ROOT, 'src/generate/index.ts'),
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  if (!existsSync(join(out, 'cli/commands/generate.js'))) throw new Error(`compilation produced no ${out}/cli/commands/generate.js`);
  return out;
}
