import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterEach, expect, test, vi } from 'vitest';
import { register } from '../../src/cli/commands/stats.js';

const FASTCHAT = resolve(import.meta.dirname, '../../../shared/data/public/FastChat_dummy_conversation.json');

function program(): Command {
  const p = new Command('sftforge').exitOverride();
  register(p);
  return p;
}

afterEach(() => vi.restoreAllMocks());

test('sftforge stats writes JSON and HTML and prints a table with sample sizes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sftforge-cli-stats-'));
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  await program().parseAsync(['stats', FASTCHAT, '--json', join(dir, 's.json'), '--html', join(dir, 's.html'), '--sample', '100', '--seed', '4'], { from: 'user' });
  const text = out.join('');
  expect(text).toContain('100 dialogues measured of 500 read; sample of 100 (--sample 100 --seed 4)');
  expect(text).toMatch(/turns per dialogue\s+100\s/);
  expect(text).toMatch(/MTLD per utterance, all\s+\d+/);
  expect(text).toContain('UltraChat 74.3');
  const json = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
  expect(json.population).toEqual({ dialogues: 500, measured: 100, rejected: {} });
  expect(json.options).toMatchObject({ sample: 100, seed: 4 });
  expect(readFileSync(join(dir, 's.html'), 'utf8')).toMatch(/^<!doctype html>/);
  await rm(dir, { recursive: true, force: true });
});

test('usage errors name the option', async () => {
  await expect(program().parseAsync(['stats', FASTCHAT, '--seed', '3'], { from: 'user' })).rejects.toThrow(/--seed only applies with --sample/);
  await expect(program().parseAsync(['stats', FASTCHAT, '--format', 'csv'], { from: 'user' })).rejects.toThrow(/--format csv is not one of/);
});
