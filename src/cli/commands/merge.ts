/** `sftforge merge`: argument parsing only; the work is runMerge in src/exec/. */
import type { Command } from 'commander';
import { runMerge } from '../../exec/merge.js';

export function register(program: Command): void {
  program
    .command('merge')
    .description('Join the parts of a sharded clean/tokenize/stats/generate job (--num-shards, Slurm array, Kubernetes Indexed Job) once every rank has finished')
    .argument('<path>', 'the -o path the ranks were given (e.g. out/clean.jsonl, out/dataset, out/stats.json), or the folder holding their parts')
    .option('-o, --output <path>', 'merged output (default: the path the ranks were given)')
    .option('--rejects <file>', 'clean/tokenize: merged quarantine (default beside the output)')
    .option('--report <file>', 'clean: merged report (default OUTPUT.report.json); tokenize: also write the report here')
    .option('--html <file>', 'stats: also write the HTML report')
    .option('--no-verify', 'do not re-check the sha256 of every part against its rank marker')
    .option('-q, --quiet', 'no table on stderr')
    .action(async (path: string, o) => {
      const { stage } = await runMerge({ path, output: o.output, rejects: o.rejects, report: o.report, html: o.html, verify: o.verify, quiet: o.quiet });
      if (!o.quiet) process.stderr.write(`merge: ${stage} job at ${path} merged\n`);
    });
}
