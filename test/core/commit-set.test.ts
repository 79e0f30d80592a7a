/**
 * Outputs of a run are committed as a set: when one of them cannot be written, none is renamed
 * into place, no temporary file stays, and the command ends with one line and exit code 1.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/index.js';
import { tempDir } from '../helpers/paths.js';
import { ensureBuilt, runCli } from '../exec/helpers.js';

const rec = (id: string) =>
  JSON.stringify({
    id,
    conversations: [
      { from: 'human', value: `Question ${id}?` },
      { from: 'gpt', value: `A full answer to question ${id}.` },
    ],
  });

describe('commit as a set', () => {
  const dir = tempDir('sftforge-set-');
  const input = join(dir, 'in.jsonl');
  beforeAll(() => {
    ensureBuilt();
    writeFileSync(input, [rec('a'), rec('b'), '{broken', rec('c')].join('\n') + '\n');
    // A regular file where a folder should be: not writable even for root (ENOTDIR).
    writeFileSync(join(dir, 'blocker'), 'x');
  }, 180_000);

  it('an unwritable report leaves no output, no quarantine and no temp file (library)', async () => {
    const out = join(dir, 'lib');
    mkdirSync(out);
    await expect(
      runPipeline({
        steps: [
          { stage: 'read', paths: [input] },
          { stage: 'write_jsonl', path: join(out, 'a.jsonl') },
          { stage: 'write_jsonl', path: join(out, 'b.jsonl'), report: join(dir, 'blocker', 'r.json') },
        ],
      }),
    ).rejects.toThrow(/blocker/);
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('the same from the command line: one line naming the path, exit 1, nothing written', async () => {
    const out = join(dir, 'cli');
    const r = await runCli(['clean', input, '-o', join(out, 'c.jsonl'), '--report', join(dir, 'blocker', 'r.json'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(dir, 'blocker'));
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(existsSync(join(out, 'c.jsonl'))).toBe(false);
    expect(existsSync(join(out, 'c.rejects.jsonl'))).toBe(false);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 60_000);

  it('a writable run commits all three files', async () => {
    const out = join(dir, 'ok');
    const r = await runPipeline({
      steps: [
        { stage: 'read', paths: [input] },
        { stage: 'write_jsonl', path: join(out, 'c.jsonl') },
      ],
    });
    expect(readdirSync(out).sort()).toEqual(['c.jsonl', 'c.rejects.jsonl', 'c.report.json']);
    expect(r!.outputs[0]!.report.records_in).toBe(4);
    expect(r!.outputs[0]!.report.rejects).toEqual({ malformed: 1 });
  });
});
