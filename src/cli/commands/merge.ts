/** `sftforge merge PATH [-o OUT]`: joins the parts of a ranked run and runs the steps after them. */
import type { Command } from 'commander';
import { signalOnSigint } from '../options.js';

export function register(program: Command): void {
  program
    .command('merge')
    .description('Join the parts of a job run as ranks (Slurm array, Kubernetes Indexed Job, --num-shards) into what one process writes')
    .argument('<path>', "the folder holding the ranks' parts (the first writer's folder), or the output path the ranks were given")
    .option('-o, --output <path>', "write the first writer's output here instead (its rejects and report follow it)")
    .option('--no-verify', 'skip the sha256 check of the parts')
    .option('-q, --quiet', 'no progress or table on stderr')
    .action(async (path: string, o: { output?: string; verify: boolean; quiet?: boolean }) => {
      const [{ mergeJob }, { loadJob }] = await Promise.all([import('../../exec/executor.js'), import('../../exec/merge.js')]);
      const job = await loadJob(path, o.verify);
      if (job.stage === 'generate') {
        // Generation ranks write their own parts (journals and dialogues): src/generate/merge-ranks.ts joins them.
        const { mergeGenerate } = await import('../../generate/merge-ranks.js');
        await mergeGenerate(job.ranks, { output: o.output ?? job.ranks[0]!.defaultOutput(), quiet: o.quiet });
        return;
      }
      await mergeJob({ path, output: o.output, verify: o.verify, quiet: o.quiet, signal: signalOnSigint() });
    });
}
