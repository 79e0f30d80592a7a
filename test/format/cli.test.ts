import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Command } from 'commander';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tokenize from '../../src/cli/commands/tokenize.js';
import { buildProgram } from '../../src/cli/program.js';

const tmp = mkdtempSync(join(tmpdir(), 'sftforge-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DUMMY = resolve(process.cwd(), '../shared/data/public/FastChat_dummy_conversation.json');

// The whole program, as `sftforge` builds it: it also registers the stages the presets run.
// exitOverride on every subcommand: commander copies it only to commands added after it is set.
function program(): Command {
  const p = buildProgram().exitOverride();
  for (const c of p.commands) c.exitOverride();
  return p;
}

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

describe('sftforge tokenize / inspect', () => {
  it('tokenize writes the folder and prints the report table on stderr', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await program().parseAsync([
        'node',
        'sftforge',
        'tokenize',
        DUMMY,
        '-o',
        join(tmp, 'out'),
        '--tokenizer',
        'llama2',
        '--template',
        'openchat_3.5',
        '--max-len',
        '1024',
        '--shard-size',
        '100KB',
        '--report',
        join(tmp, 'report.json'),
      ]);
      const printed = err.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toMatch(/records in\s+500/);
    } finally {
      err.mockRestore();
    }
    const m = JSON.parse(readFileSync(join(tmp, 'out', 'sftforge.json'), 'utf8'));
    expect(m).toMatchObject({ max_len: 1024, chunk: 'split', pack: false, template: 'openchat_3.5', tokenizer: 'llama2' });
    expect(m.shards.length).toBeGreaterThan(1);
    expect(existsSync(join(tmp, 'out.rejects.jsonl'))).toBe(true);
    expect(JSON.parse(readFileSync(join(tmp, 'report.json'), 'utf8')).records_in).toBe(500);
  });

  it('inspect --json prints spans and the verdict', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program().parseAsync(['node', 'sftforge', 'inspect', join(tmp, 'out'), '--row', '3', '--json']);
      const j = JSON.parse(out.mock.calls.map((c) => String(c[0])).join(''));
      expect(j).toMatchObject({ row: 3, rows: 500, verdict: { ok: true } });
      expect(j.spans.some((s: { trained: boolean }) => s.trained)).toBe(true);
    } finally {
      out.mockRestore();
    }
  });

  it('--output-format hf writes that folder; the deprecated --format says so and writes the same bytes', async () => {
    const args = (out: string, flag: string) => [
      'node',
      'sftforge',
      'tokenize',
      DUMMY,
      '-o',
      join(tmp, out),
      '--tokenizer',
      'llama2',
      '--template',
      'openchat_3.5',
      '--max-len',
      '1024',
      '--shard-size',
      '100KB',
      flag,
      'hf',
      '-q',
    ];
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let printed: string[];
    try {
      await program().parseAsync(args('new', '--output-format'));
      await program().parseAsync(args('old', '--format'));
      printed = err.mock.calls.map((c) => String(c[0]));
    } finally {
      err.mockRestore();
    }
    expect(printed.filter((l) => /deprecated/.test(l))).toEqual(['sftforge: tokenize --format is deprecated: use --output-format\n']);
    const a = filesOf(join(tmp, 'new'));
    const b = filesOf(join(tmp, 'old'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()]).toContain('sftforge.json');
    for (const [f, bytes] of a) expect(b.get(f)!.equals(bytes), f).toBe(true);
    expect(JSON.parse(b.get('sftforge.json')!.toString('utf8'))).toMatchObject({ format: 'hf', rows: 500 });
    // And a value it does not know is a usage error naming the new flag.
    await expect(program().parseAsync(['node', 'sftforge', 'tokenize', DUMMY, '-o', join(tmp, 'y'), '--tokenizer', 'llama2', '--template', 'openchat_3.5', '--output-format', 'csv'])).rejects.toThrow(
      /--output-format csv/,
    );
  });

  it('rejects bad option values with a usage error naming the flag', async () => {
    await expect(program().parseAsync(['node', 'sftforge', 'tokenize', DUMMY, '-o', join(tmp, 'x'), '--tokenizer', 'llama2', '--template', 'openchat_3.5', '--chunk', 'halve'])).rejects.toThrow(
      /--chunk halve/,
    );
    expect(tokenize.sizeOption('500MB')).toBe(500e6);
    expect(tokenize.sizeOption('1.5GB')).toBe(1.5e9);
    expect(() => tokenize.sizeOption('lots')).toThrow(/not a size/);
  });
});
