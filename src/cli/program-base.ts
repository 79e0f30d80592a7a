/**
 * The bare sftforge program (name, version, error settings) and the table of subcommand files, so
 * that a run of one subcommand imports only that command's file (start-up, issue #16). The full
 * program with every subcommand is ./program.ts (help, unknown commands, `pipeline`'s run: steps);
 * main.ts picks one or the other.
 */
import '../stages.js';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../exec/paths.js';

export interface CommandModule {
  register(program: Command): void;
}

/** Every subcommand but `pipeline` (its run: steps need the whole program): name → its file. */
export const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  clean: () => import('./commands/clean.js'),
  generate: () => import('./commands/generate.js'),
  inspect: () => import('./commands/inspect.js'),
  merge: () => import('./commands/merge.js'),
  mix: () => import('./commands/mix.js'),
  push: () => import('./commands/push.js'),
  stages: () => import('./commands/stages.js'),
  stats: () => import('./commands/stats.js'),
  tokenize: () => import('./commands/tokenize.js'),
};

let version: string | undefined;

export function newProgram(): Command {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return (
    new Command('sftforge')
      .description('Supervised fine-tuning data for chat models: ingest, clean, format, measure, share')
      .version(version)
      .showHelpAfterError('(run with --help for usage)')
      // Before the subcommands are added: commander copies it to each, so a bad flag throws (exit 2) instead of exiting 1.
      .exitOverride()
  );
}
