/** `sftforge stats`: argument parsing only; the work is runStats in src/stats/. */
import type { Command } from 'commander';
import { runStats } from '../../stats/run.js';
import type { InputFormat } from '../../core/types.js';
import { UsageError } from '../../core/errors.js';
import { floatOption, intOption, inputFormatOption, INPUT_FORMAT_HELP } from '../options.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { runStatsRank } from '../../exec/shard-stats.js';

export function register(program: Command): void {
  const cmd = program
    .command('stats')
    .description('Dataset statistics: turns, lengths, MTLD (as UltraChat measured it), distinct-n, gzip ratio, tokens; JSON and HTML report')
    .argument('<input...>', 'JSON/JSONL files or folders (ShareGPT, UltraChat, OpenAI messages), or tokenized dataset folders')
    .option('--json <file>', 'write the statistics as JSON')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .option('--sample <n>', 'measure a seeded reservoir sample of N dialogues (and tokenized rows)', intOption)
    .option('--seed <s>', 'seed for --sample (default 0)', intOption)
    .option('--format <format>', INPUT_FORMAT_HELP, inputFormatOption('--format'))
    .option('--mtld-threshold <t>', 'MTLD factor threshold (default 0.72, as UltraChat)', floatOption)
    .option('--max-groups <n>', 'groups kept per key (source, model, sector, persona) before "(other)" (default 32)', intOption);
  addShardOptions(cmd).action(async (inputs: string[], o) => {
      if (o.seed !== undefined && o.sample === undefined) throw new UsageError('--seed only applies with --sample N');
      if (o.sample === 0) throw new UsageError('--sample must be at least 1');
      const shard = shardFromOptions(o);
      const options = {
        inputs,
        json: o.json,
        html: o.html,
        sample: o.sample,
        seed: o.seed,
        format: o.format as InputFormat | undefined,
        mtldThreshold: o.mtldThreshold,
        maxGroups: o.maxGroups,
      };
      await (shard ? runStatsRank(options, shard) : runStats(options));
    });
}
