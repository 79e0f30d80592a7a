#!/usr/bin/env -S node --max-old-space-size=1024 --max-semi-space-size=16
/**
 * The sftforge command line entry: parse, run, and turn errors into one clear line and an exit
 * code — 0 done (rejects included), 1 failed (an environment fault, an incomplete merge, a run
 * that cannot finish), 2 usage (bad flags, an invalid pipeline or mixture file).
 */
// The V8 flags above keep memory flat: a small young generation and a bounded old one make V8
// collect early instead of growing its heap lazily.
import { type Command, CommanderError } from 'commander';
import { ConfigError, describeFsError, SftforgeError, UsageError } from '../core/errors.js';
import { COMMANDS, newProgram } from './program-base.js';

// `sftforge stages | head`: a closed pipe ends the output, not the program with a stack.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

async function main(): Promise<void> {
  const program = await programFor(process.argv.slice(2));
  program.exitOverride();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 1 ? 2 : e.exitCode);
    if (e instanceof UsageError || e instanceof ConfigError) fail(e.message, 2);
    if (e instanceof SftforgeError) fail(e.message, 1);
    const fs = describeFsError(e, (e as { path?: string })?.path ?? 'an output');
    if (fs) fail(fs.message, 1);
    // A bug, not the user's fault: one line, the stack only when asked for.
    const err = e as Error;
    fail(`internal error: ${err?.message ?? String(e)}${process.env.SFTFORGE_DEBUG ? `\n${err?.stack}` : '\n  hint: rerun with SFTFORGE_DEBUG=1 for details, and report it'}`, 1);
  }
}

/**
 * The program for these arguments: with a subcommand's name first, the bare program and that
 * subcommand alone (it parses exactly as in the full program: root options and settings are the
 * same); anything else (--help, help, --version, pipeline, a typo) gets the full program.
 */
async function programFor(args: readonly string[]): Promise<Command> {
  const name = args[0];
  const load = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) return (await import('./program.js')).buildProgram();
  const program = newProgram();
  (await load()).register(program);
  return program;
}

function fail(message: string, code: number): never {
  process.stderr.write(`sftforge: ${message}\n`);
  process.exit(code);
}

await main();
