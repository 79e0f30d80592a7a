import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/generate.js';
import { tmp } from './fake-openai.js';

async function cli(args: string[]): Promise<void> {
  const program = new Command('sftforge');
  program.exitOverride();
  register(program);
  await program.parseAsync(['node', 'sftforge', 'generate', ...args]);
}

describe('sftforge generate (command line)', () => {
  it('--dry-run generates against the built-in fake server, in ShareGPT form', async () => {
    const out = join(tmp(), 'o.jsonl');
    await cli(['--sector', 'creation', '--count', '3', '-o', out, '--dry-run', '--format', 'sharegpt', '--quiet']);
    const recs = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; conversations: { from: string }[]; meta: { models: unknown } });
    expect(recs.map((r) => r.id)).toEqual(['creation-0-000000000', 'creation-0-000000001', 'creation-0-000000002']);
    expect(recs[0]!.conversations[0]!.from).toBe('human');
    expect(recs[0]!.meta.models).toEqual({ user: 'fake-user', assistant: 'fake-assistant' });
  });

  it('rejects bad option values with a message naming them', async () => {
    await expect(cli(['--sector', 'space', '--count', '1', '-o', 'x.jsonl'])).rejects.toThrow(/--sector space: use world, creation, assistance, all/);
    await expect(cli(['--sector', 'world', '--count', '1', '-o', 'x.jsonl', '--format', 'alpaca'])).rejects.toThrow(/--format alpaca: use ultrachat or sharegpt/);
    await expect(cli(['--sector', 'all', '--count', '3', '-o', join(tmp(), 'x.jsonl'), '--dry-run', '--quiet'])).rejects.toThrow(/the assistance sector needs documents/);
    await expect(cli(['--sector', 'world', '--count', '1', '-o', join(tmp(), 'x.jsonl'), '--quiet'])).rejects.toThrow(/no base URL for the user model/);
  });
});
