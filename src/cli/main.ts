#!/usr/bin/env node
/** The sftforge command line entry: parse, run, and turn errors into one clear line and an exit code. */
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
