/** `sftforge stats`: a preset pipeline — read → stats (JSON, HTML report, table); tokenized folders measured as such. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { addShardOptions, shardFromOptions } from '../../exec/shard-cli.js';
import { floatOption, inputFormatOption, INPUT_FORMAT_HELP, intOption, positiveOption } from '../options.js';

export function register(program: Command): void {
  const cmd = program
    .command('stats')
    .description('Dataset statistics: turns, lengths, MTLD (as UltraChat measured it), distinct-n, gzip ratio, tokens; JSON and HTML report')
    .argument('<input...>', 'JSON/JSONL files or folders (any input format), or tokenized dataset folders (write_hf output)')
    .option('--json <file>', 'write the statistics as JSON')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .option('--sample <n>', 'measure a seeded reservoir sample of N dialogues (and tokenized rows)', positiveOption('--sample', 2 ** 40))
    .option('--seed <s>', 'seed for --sample (default 0)', intOption)
    .option('--input-format <format>', INPUT_FORMAT_HELP, inputFormatOption('--input-format'))
    .option('--format <format>', 'deprecated spelling of --input-format', inputFormatOption('--format'))
    .option('--mtld-threshold <t>', 'MTLD factor threshold (default 0.72, as UltraChat)', floatOption)
    .option('--max-groups <n>', 'groups kept per key (source, model, sector, persona) before "(other)" (default 32)', positiveOption('--max-groups', 10_000));
  addShardOptions(cmd).action(async (inputs: string[], o) => {
    if (o.seed !== undefined && o.sample === undefined) throw new UsageError('--seed only applies with --sample N');
    if (o.format !== undefined) process.stderr.write('sftforge: stats --format is deprecated: use --input-format\n');
    const [{ execute }, { isTokenizedFolder }, { defined }] = await Promise.all([import('../../exec/executor.js'), import('../../stats/tokenized.js'), import('../../presets/clean.js')]);
    const text: string[] = [];
    const tokenized: string[] = [];
    for (const input of inputs) ((await isTokenizedFolder(input)) ? tokenized : text).push(input);
    const { expandInputs } = await import('../../io/files.js');
    if (tokenized.length === 0 && (await expandInputs(text)).length === 0) {
      throw new UsageError(
        `${inputs.join(', ')}: no JSON/JSONL/HTML files and no tokenized dataset folder (data-*.arrow with state.json or sftforge.json): nothing to measure`,
        'give the cleaned JSONL, or a folder written by `sftforge tokenize` (write_hf) or Dataset.save_to_disk',
      );
    }
    const steps = [
      { stage: 'read', paths: text, ...defined({ format: o.inputFormat ?? o.format }) },
      { stage: 'stats', tokenized, ...defined({ json: o.json, html: o.html, sample: o.sample, seed: o.seed, mtld_threshold: o.mtldThreshold, max_groups: o.maxGroups }) },
    ];
    await execute({ name: 'stats', steps }, { shard: shardFromOptions(o), quiet: true });
  });
}
