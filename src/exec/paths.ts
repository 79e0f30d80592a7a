/** Where compiled worker scripts live, whether we run from dist/ or from src/ under vitest. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('sftforge: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** The compiled JS of a module under src/, e.g. workerFile('clean/worker'). */
export function workerFile(modulePath: string): string {
  // Compiled code runs the workers of its own build (another --outDir than dist/ included), so a
  // benchmark of one build never mixes in another's workers; under vitest (.ts) it is dist/.
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) {
    const own = join(dirname(here), '..', `${modulePath}.js`);
    if (existsSync(own)) return own;
  }
  const file = join(packageRoot(), 'dist', `${modulePath}.js`);
  if (!existsSync(file)) throw new Error(`sftforge: ${file} is missing: run \`npm run build\` first (worker threads run the compiled code)`);
  return file;
}
