/** `sftforge mix MIXTURE.yaml -o OUT`: a preset pipeline — mix → (split) → write_messages (open-instruct's {dataset, id, messages}). */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { StepSpec } from '../../core/pipeline.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { intOption, signalOnSigint } from '../options.js';

export function register(program: Command): void {
  const cmd = program
    .command('mix')
    .description("Mix sources as Tülu did (open-instruct's dataset_mixer_list): per-source amounts, seeded shuffle, messages JSONL out")
    .argument('<mixture>', 'mixture YAML: {seed, sources: [{name, path, format, amount}]} (see configs/mixtures/)')
    .requiredOption('-o, --output <file>', 'messages JSONL ({dataset, id, messages}); or a folder with --output-format hf-messages')
    .option('--var <key=value...>', 'values for ${var} in the mixture file (e.g. data=/datasets)')
    .option('--seed <n>', "override the mixture's seed", intOption)
    .option('--test <amount>', 'also split off a test set: a fraction ("0.05") or a count ("1000"); written as OUT with split in each record')
    .option('--rejects <file>', 'quarantine JSONL (default OUTPUT.rejects.jsonl)')
    .option('--report <file>', 'report JSON (default OUTPUT.report.json)')
    .option('-q, --quiet', 'no progress or table on stderr');
  addShardOptions(cmd).action(async (mixture: string, o) => {
    const [{ execute }, { defined }] = await Promise.all([import('../../exec/executor.js'), import('../../presets/clean.js')]);
    const vars: Record<string, string> = {};
    for (const kv of (o.var as string[] | undefined) ?? []) {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`--var ${kv}: expected KEY=VALUE`);
      vars[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const steps: StepSpec[] = [{ stage: 'mix', file: mixture, vars, ...defined({ seed: o.seed }) }];
    if (o.test !== undefined) steps.push({ stage: 'split', test: /^\d+$/.test(o.test) ? Number(o.test) : o.test, ...defined({ seed: o.seed }) });
    steps.push({ stage: 'write_messages', path: o.output, ...defined({ rejects: o.rejects, report: o.report }) });
    await execute({ name: 'mix', steps }, { shard: shardFromOptions(o), quiet: o.quiet, signal: signalOnSigint() });
  });
}
