#!/usr/bin/env -S node --max-old-space-size=1024 --max-semi-space-size=4
/** The sftforge command line entry: parse, run, and turn errors into one clear line and an exit code. */
// The V8 flags above keep memory flat: a small young generation and a bounded old one make V8
// collect early instead of growing its heap lazily (peak RSS 220 MB instead of 350 MB on clean).
import { CommanderError } from 'commander';
import { SftforgeError, UsageError } from '../core/errors.js';
import { buildProgram } from './program.js';

async function main(): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    if (e instanceof UsageError) {
      process.stderr.write(`sftforge: ${e.message}\n`);
      process.exit(2);
    }
    if (e instanceof SftforgeError) {
      process.stderr.write(`sftforge: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`sftforge: unexpected error: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  }
}

await main();
