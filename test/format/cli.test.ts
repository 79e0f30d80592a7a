import { afterAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tokenize from '../../src/cli/commands/tokenize.js';
import * as inspect from '../../src/cli/commands/inspect.js';

const tmp = mkdtempSync(join(tmpdir(), 'sftforge-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DUMMY = resolve(process.cwd(), '../shared/data/public/FastChat_dummy_conversation.json');

function program(): Command {
  const p = new Command('sftforge').exitOverride();
  tokenize.register(p);
  inspect.register(p);
  return p;
}

describe('sftforge tokenize / inspect', () => {
  it('tokenize writes the folder and prints the report table on stderr', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await program().parseAsync(['node', 'sftforge', 'tokenize', DUMMY, '-o', join(tmp, 'out'), '--tokenizer', 'llama2', '--template', 'openchat_3.5', '--max-len', '1024', '--shard-size', '100KB', '--report', join(tmp, 'report.json')]);
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

  it('rejects bad option values with a usage error naming the flag', async () => {
    await expect(program().parseAsync(['node', 'sftforge', 'tokenize', DUMMY, '-o', join(tmp, 'x'), '--tokenizer', 'llama2', '--template', 'openchat_3.5', '--chunk', 'halve'])).rejects.toThrow(/--chunk halve/);
    expect(tokenize.sizeOption('500MB')).toBe(500e6);
    expect(tokenize.sizeOption('1.5GB')).toBe(1.5e9);
    expect(() => tokenize.sizeOption('lots')).toThrow(/not a size/);
  });
});
