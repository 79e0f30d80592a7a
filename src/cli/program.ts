/** The sftforge program: one subcommand per file in ./commands, each only parsing arguments. */
import '../stages.js';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../exec/paths.js';
import * as clean from './commands/clean.js';
import * as generate from './commands/generate.js';
import * as inspect from './commands/inspect.js';
import * as merge from './commands/merge.js';
import * as mix from './commands/mix.js';
import * as pipeline from './commands/pipeline.js';
import * as push from './commands/push.js';
import * as stages from './commands/stages.js';
import * as stats from './commands/stats.js';
import * as tokenize from './commands/tokenize.js';

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('sftforge')
    .description('Supervised fine-tuning data for chat models: ingest, clean, format, measure, share')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    // Before the subcommands are added: commander copies it to each, so a bad flag throws (exit 2) instead of exiting 1.
    .exitOverride();
  for (const cmd of [clean, generate, inspect, merge, mix, push, stages, stats, tokenize]) cmd.register(program);
  pipeline.register(program, buildProgram);
  return program;
}
