// Test-only entry: `sftforge generate` from compiled JS, so a test can spawn it, SIGKILL it and
// start it again. SFTFORGE_GENERATE_DIST points at a compiled tree (the tests compile one);
// default is the project's dist/. Exit codes follow src/cli/main.ts (usage 2, other errors 1).
import { Command } from 'commander';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = process.env.SFTFORGE_GENERATE_DIST ?? fileURLToPath(new URL('../../dist/', import.meta.url));
const { register } = await import(pathToFileURL(join(dist, 'cli/commands/generate.js')).href);
const { UsageError, SftforgeError } = await import(pathToFileURL(join(dist, 'core/errors.js')).href);

const program = new Command('sftforge');
program.exitOverride();
register(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e?.code?.startsWith?.('commander.')) process.exit(e.exitCode);
  process.stderr.write(`sftforge: ${e?.message ?? e}\n`);
  process.exit(e instanceof UsageError ? 2 : e instanceof SftforgeError ? 1 : 1);
}
