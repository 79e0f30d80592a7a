/** The sftforge program: one subcommand per file in ./commands, each only parsing arguments. */
import type { Command } from 'commander';
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
import { newProgram } from './program-base.js';

export function buildProgram(): Command {
  const program = newProgram();
  for (const cmd of [clean, generate, inspect, merge, mix, push, stages, stats, tokenize]) cmd.register(program);
  pipeline.register(program, buildProgram);
  return program;
}
