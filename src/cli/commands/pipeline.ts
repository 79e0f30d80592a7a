/** `sftforge pipeline FILE`: runs a declarative pipeline's steps in order, in this process. */
import type { Command } from 'commander';
import { expand, loadPipeline } from '../../exec/pipeline-file.js';
import { UsageError } from '../../core/errors.js';

export function register(program: Command): void {
  program
    .command('pipeline')
    .description('Run a pipeline file (pipelines/*.yaml): each step is a sftforge subcommand')
    .argument('<file>', 'pipeline YAML')
    .option('--set <key=value...>', 'set a pipeline variable (e.g. input=examples output=out)')
    .option('--dry-run', 'print the commands without running them')
    .action(async (file: string, o: { set?: string[]; dryRun?: boolean }) => {
      const def = await loadPipeline(file);
      const vars = { ...def.vars };
      for (const kv of o.set ?? []) {
        const i = kv.indexOf('=');
        if (i <= 0) throw new UsageError(`--set ${kv}: expected KEY=VALUE`);
        vars[kv.slice(0, i)] = kv.slice(i + 1);
      }
      // Imported here: program.ts imports this file, so a top-level import would be circular.
      const { buildProgram } = await import('../program.js');
      // A pipeline's steps read each other's whole outputs: inside a Slurm array or an Indexed Job
      // they must not each become one rank with no merge between them (set SFTFORGE_SHARDING to override).
      process.env.SFTFORGE_SHARDING ??= 'off';
      for (const [k, step] of def.steps.entries()) {
        const head = `[${def.name} ${k + 1}/${def.steps.length}] ${step.name}`;
        if (step.if_env && !process.env[step.if_env]) {
          process.stderr.write(`${head}: skipped (${step.skip_message ?? `${step.if_env} is not set`})\n`);
          continue;
        }
        const args = step.run.map((a) => expand(a, vars, file));
        process.stderr.write(`${head}: sftforge ${args.map(quote).join(' ')}\n`);
        if (o.dryRun) continue;
        const sub = buildProgram();
        sub.exitOverride();
        await sub.parseAsync(args, { from: 'user' });
      }
    });
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
