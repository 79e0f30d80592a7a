/** `sftforge stages [NAME]`: every registered stage with a one-line description and its options with defaults. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { loadStage, stageNames } from '../../core/registry.js';
import type { describeOptions } from '../describe-options.js';

export function register(program: Command): void {
  program
    .command('stages')
    .description('List the stages a pipeline can use, with their options and defaults')
    .argument('[name]', 'one stage')
    .option('--json', 'as JSON')
    .action(async (name: string | undefined, o: { json?: boolean }) => {
      // zod's helpers load only for this command, not at every start.
      const { describeOptions } = await import('../describe-options.js');
      const names = name ? [name] : stageNames();
      const out: { name: string; kind: string; scope: string; description: string; options: ReturnType<typeof describeOptions> }[] = [];
      for (const n of names) {
        const def = await loadStage(n);
        if (!def) throw new UsageError(`unknown stage "${n}"`, `known stages: ${stageNames().join(', ')}`);
        out.push({ name: def.name, kind: def.kind, scope: def.scope, description: def.description, options: describeOptions(def.options) });
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      for (const s of out) {
        process.stdout.write(`${s.name}  (${s.kind}, ${s.scope})\n  ${s.description}\n`);
        for (const opt of s.options) process.stdout.write(`    ${opt.name}${opt.required ? ' (required)' : ''}: ${opt.type}${opt.default !== undefined ? ` = ${JSON.stringify(opt.default)}` : ''}\n`);
        process.stdout.write('\n');
      }
    });
}
