/** `sftforge inspect`: argument parsing only; the work is inspectRow in src/format/. */
import type { Command } from 'commander';
import { intOption } from '../options.js';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('Show one row of a tokenized folder as text, trained tokens highlighted, with the mask verdict and counts')
    .argument('<dir>', 'a folder written by sftforge tokenize')
    .option('--row <n>', 'row number (0-based)', intOption, 0)
    .option('--tokenizer <spec>', 'decode with this tokenizer instead of the one recorded in sftforge.json')
    .option('--json', 'print JSON (spans with their trained flag) instead of text')
    .option('--no-color', 'no ANSI colours (trained text is marked [[like this]])')
    .action(async (dir: string, o) => {
      const { formatInspect, inspectRow } = await import('../../format/inspect.js');
      const r = await inspectRow(dir, o.row, { tokenizer: o.tokenizer });
      if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else process.stdout.write(formatInspect(r, o.color !== false && process.stdout.isTTY === true) + '\n');
      if (!r.verdict.ok) process.exitCode = 1;
    });
}
