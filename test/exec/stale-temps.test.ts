// A run removes the temporary files a killed earlier run left beside its outputs (core/atomic.ts).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCleanPreset, writeOneConversation } from '../helpers/clean.js';
import { tempDir } from '../helpers/paths.js';

describe('stale temporary files', () => {
  it('are removed beside every output of the run, and the run still commits its own', async () => {
    const dir = tempDir();
    const input = writeOneConversation(dir);
    const out = join(dir, 'out.jsonl');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = ['out.jsonl', 'out.rejects.jsonl', 'out.report.json'].map((n) => `${n}.tmp-${dead}`);
    for (const n of stale) writeFileSync(join(dir, n), 'left by a killed run');
    await runCleanPreset([input], { output: out });
    for (const n of stale) expect(existsSync(join(dir, n))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['in.jsonl', 'out.jsonl', 'out.rejects.jsonl', 'out.report.json']);
  });
});
