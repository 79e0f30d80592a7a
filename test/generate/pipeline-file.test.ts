import { Command } from 'commander';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/generate.js';
import { loadPipeline } from '../../src/exec/pipeline-file.js';
import { ROOT } from './build.js';

describe('pipelines/ultrachat.yaml', () => {
  it('generates, cleans and tokenizes (ultralm, 2048, split), with only known generate flags', async () => {
    const p = await loadPipeline(join(ROOT, 'pipelines/ultrachat.yaml'));
    expect(p.steps.map((s) => s.run[0])).toEqual(['generate', 'clean', 'tokenize']);
    const tok = p.steps[2]!.run;
    expect(tok.slice(tok.indexOf('--template'), tok.indexOf('--template') + 2)).toEqual(['--template', 'ultralm']);
    expect(tok.slice(tok.indexOf('--max-len'), tok.indexOf('--max-len') + 2)).toEqual(['--max-len', '2048']);
    expect(tok.slice(tok.indexOf('--chunk'), tok.indexOf('--chunk') + 2)).toEqual(['--chunk', 'split']);
    // The generated file is what clean reads, and clean's output is what tokenize reads.
    const gen = p.steps[0]!.run;
    expect(p.steps[1]!.run[1]).toBe(gen[gen.indexOf('-o') + 1]);
    expect(tok[1]).toBe(p.steps[1]!.run[p.steps[1]!.run.indexOf('-o') + 1]);
    const program = new Command();
    register(program);
    const known = new Set(program.commands[0]!.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
    for (const a of gen.filter((x) => x.startsWith('-'))) expect(known, a).toContain(a);
  });
});
