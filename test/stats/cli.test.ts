import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterEach, expect, test, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const FASTCHAT = resolve(import.meta.dirname, '../../../shared/data/public/FastChat_dummy_conversation.json');

// The whole program, as `sftforge` builds it: it also registers the stages the preset runs.
// exitOverride on every subcommand: commander copies it only to commands added after it is set.
function program(): Command {
  const p = buildProgram().exitOverride();
  for (const c of p.commands) c.exitOverride();
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
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await expect(program().parseAsync(['stats', FASTCHAT, '--seed', '3'], { from: 'user' })).rejects.toThrow(/--seed only applies with --sample/);
  // --format became --input-format (--format is its deprecated spelling): both check the value.
  await expect(program().parseAsync(['stats', FASTCHAT, '--input-format', 'csv'], { from: 'user' })).rejects.toThrow(/--input-format csv is not one of/);
  await expect(program().parseAsync(['stats', FASTCHAT, '--format', 'csv'], { from: 'user' })).rejects.toThrow(/--format csv is not one of/);
});

test('--input-format reads the input as that format; the deprecated --format says so and gives the same statistics', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sftforge-cli-stats-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  await program().parseAsync(['stats', FASTCHAT, '--input-format', 'sharegpt', '--json', join(dir, 'new.json'), '--sample', '50', '--seed', '1'], { from: 'user' });
  expect(err.filter((l) => /deprecated/.test(l))).toEqual([]);
  await program().parseAsync(['stats', FASTCHAT, '--format', 'sharegpt', '--json', join(dir, 'old.json'), '--sample', '50', '--seed', '1'], { from: 'user' });
  expect(err.filter((l) => /deprecated/.test(l))).toEqual(['sftforge: stats --format is deprecated: use --input-format\n']);
  const a = JSON.parse(readFileSync(join(dir, 'new.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'old.json'), 'utf8'));
  expect(a.population).toEqual({ dialogues: 500, measured: 50, rejected: {} });
  expect(b.population).toEqual(a.population);
  expect(a.options.format).toBe('sharegpt');
  expect(b).toEqual(a);
  // Read as another format, the same ShareGPT file is not Alpaca: the reader rejects every record.
  await program().parseAsync(['stats', FASTCHAT, '--input-format', 'alpaca', '--json', join(dir, 'alpaca.json')], { from: 'user' });
  const c = JSON.parse(readFileSync(join(dir, 'alpaca.json'), 'utf8'));
  expect(c.population).toEqual({ dialogues: 0, measured: 0, rejected: { malformed: 500 } });
  await rm(dir, { recursive: true, force: true });
});
