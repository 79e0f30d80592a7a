/**
 * `sftforge push DIR --repo NAMESPACE/NAME`: argument parsing only; the work is in src/hub/.
 * The token is read from HF_TOKEN or --token-file, never from the command line (it would land
 * in shell history and `ps`).
 */
import { type Command, Option } from 'commander';
import { DEFAULT_HUB_URL } from '../../hub/defaults.js';
import { signalOnSigint } from '../options.js';

interface PushCliOptions {
  repo: string;
  private?: boolean;
  revision?: string;
  message?: string;
  hubUrl?: string;
  tokenFile?: string;
  parquet?: boolean;
  card?: string;
  license?: string;
  language: string[];
  tag: string[];
  dryRun?: boolean;
  xet: boolean;
  json?: boolean;
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function register(program: Command): void {
  program
    .command('push')
    .description('push a tokenized folder (or a cleaned/generated .jsonl with its report) to a Hugging Face dataset repo, with a generated dataset card')
    .argument('<dir>', 'output folder of `sftforge tokenize`, or a .jsonl file with its .report.json beside it')
    .requiredOption('--repo <namespace/name>', 'dataset repo to push to (created when missing)')
    .option('--private', 'create the repo private when it does not exist')
    .option('--revision <branch>', 'branch to commit to (created from main when missing)', 'main')
    .option('--message <text>', 'commit title')
    .addOption(new Option('--hub-url <url>', 'Hub endpoint').env('HF_ENDPOINT').default(DEFAULT_HUB_URL))
    .option('--token-file <file>', 'file holding the Hub token (default: the HF_TOKEN environment variable)')
    .option('--parquet', 'upload Parquet converted from the Arrow shards instead of the shards')
    .option('--card <file>', 'your own README.md to merge with the generated card (your front matter wins, your prose first)')
    .option('--license <id>', 'license id for the card (e.g. apache-2.0, cc-by-4.0, other)')
    .option('--language <code>', 'language code for the card, repeatable (default: from stats.json)', collect, [])
    .option('--tag <tag>', 'extra tag for the card, repeatable', collect, [])
    .option('--dry-run', 'print what would be created, uploaded, skipped and deleted; change nothing')
    .option('--no-xet', 'upload with plain LFS instead of Xet (for Hub endpoints without Xet)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (dir: string, o: PushCliOptions) => {
      const { describePlan, pushDataset } = await import('../../hub/push.js');
      const result = await pushDataset({
        dir,
        repo: o.repo,
        tokenFile: o.tokenFile,
        hubUrl: o.hubUrl,
        revision: o.revision,
        message: o.message,
        private: o.private,
        parquet: o.parquet,
        card: o.card,
        license: o.license,
        languages: o.language.length ? o.language : undefined,
        tags: o.tag.length ? o.tag : undefined,
        dryRun: o.dryRun,
        useXet: o.xet,
        // Ctrl-C stops the uploads before the commit; running the push again resumes it.
        signal: o.dryRun ? undefined : signalOnSigint(),
      });
      if (o.json) {
        const { card: _card, ...rest } = result;
        process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
      } else {
        process.stdout.write(describePlan(result).join('\n') + '\n');
      }
    });
}
