/** main.ts builds a one-command program from the lazy table: the table must match the full program. */
import { describe, expect, it } from 'vitest';
import { COMMANDS, newProgram } from '../../src/cli/program-base.js';
import { buildProgram } from '../../src/cli/program.js';

describe('program table', () => {
  it('names every subcommand of the full program but pipeline', () => {
    const full = buildProgram()
      .commands.map((c) => c.name())
      .filter((n) => n !== 'pipeline');
    expect(Object.keys(COMMANDS).sort()).toEqual(full.sort());
  });

  it('registers a subcommand exactly as the full program does', async () => {
    const full = buildProgram().commands.find((c) => c.name() === 'clean')!;
    const one = newProgram();
    (await COMMANDS.clean!()).register(one);
    const only = one.commands[0]!;
    expect(one.commands.map((c) => c.name())).toEqual(['clean']);
    expect(only.helpInformation()).toBe(full.helpInformation());
  });
});
