/** `sftforge pipeline FILE`: runs a pipeline file's stages (one pass, outputs committed together) and its subcommand steps, in order. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { signalOnSigint } from '../options.js';

/** `subcommand` builds a fresh program for a `run:` step (passed in: this file cannot import program.ts). */
export function register(program: Command, subcommand: () => Command): void {
  const cmd = program
    .command('pipeline')
    .description('Run a pipeline file (pipelines/*.yaml): steps of stages ({stage: NAME, ...options}, {branch: [...]}) and subcommands')
    .argument('<file>', 'pipeline YAML')
    .option('--set <key=value...>', 'set a pipeline variable (e.g. input=examples output=out)')
    .option('--workers <n>', 'worker threads for CPU-heavy stages (default: the cores this process may use)', (v) => positive('--workers', v))
    .option('--dry-run', 'check the file and print the steps without running them')
    .option('-q, --quiet', 'no progress or tables on stderr');
  addShardOptions(cmd).action(async (file: string, o: { set?: string[]; dryRun?: boolean; quiet?: boolean; workers?: number; numShards?: number; shardIndex?: number }) => {
    const set: Record<string, string> = {};
    for (const kv of o.set ?? []) {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`--set ${kv}: expected KEY=VALUE`);
      set[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const [{ buildPipeline }, { executeBuilt }, { loadPipelineFile }] = await Promise.all([import('../../core/pipeline.js'), import('../../exec/executor.js'), import('../../exec/pipeline-file.js')]);
    const loaded = await loadPipelineFile(file, set);
    const shard = shardFromOptions(o);
    const n = loaded.parts.length;
    const signal = signalOnSigint();
    for (const [k, part] of loaded.parts.entries()) {
      const head = `[${loaded.name} ${k + 1}/${n}]`;
      if (part.kind === 'skipped') {
        process.stderr.write(`${head} ${part.label}: skipped (${part.message})\n`);
        continue;
      }
      if (part.kind === 'command') {
        process.stderr.write(`${head} ${part.step.name}: sftforge ${part.step.run.map(quote).join(' ')}\n`);
        if (o.dryRun) continue;
        if (shard && shard.count > 1) {
          process.stderr.write(`${head} ${part.step.name}: not run by a rank (run it after sftforge merge)\n`);
          continue;
        }
        const sub = subcommand();
        sub.exitOverride();
        await sub.parseAsync(part.step.run, { from: 'user' });
        continue;
      }
      const built = await buildPipeline(part.spec, { whereOf: part.whereOf, file });
      const stages = part.spec.steps.map((s) => ('branch' in s ? 'branch' : s.stage)).join(' → ');
      process.stderr.write(`${head} stages: ${stages}\n`);
      if (o.dryRun) continue;
      await executeBuilt(built, { shard, workers: o.workers, quiet: o.quiet, signal, label: loaded.name });
    }
  });
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError(`${flag} ${v}: use a whole number from 1 to 1024`);
  return n;
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
