// The declarative pipeline runner and the main job's pipeline file, run in-process.
import { describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/program.js';
import { expand, loadPipeline } from '../../src/exec/pipeline-file.js';
import { ConfigError } from '../../src/core/errors.js';
import { ROOT, sharedData, tempDir } from '../helpers/paths.js';

async function run(args: string[]) {
  const p = buildProgram();
  p.exitOverride();
  await p.parseAsync(args, { from: 'user' });
}

describe('sftforge pipeline', () => {
  it('runs pipelines/openchat.yaml: clean, GPT-4 filter, tokenize at 2048 and 8192, stats; skips push without HF_REPO', async () => {
    const dir = tempDir();
    const input = join(dir, 'in');
    const raw = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.json'), 'utf8')) as unknown[];
    const { mkdirSync } = await import('node:fs');
    mkdirSync(input);
    writeFileSync(join(input, 'dump.json'), JSON.stringify(raw.slice(0, 120)));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const saved = process.env.HF_REPO;
    delete process.env.HF_REPO;
    let logged = '';
    try {
      await run(['pipeline', join(ROOT, 'pipelines', 'openchat.yaml'), '--set', `input=${input}`, '--set', `output=${join(dir, 'out')}`]);
    } finally {
      logged = err.mock.calls.map((c) => String(c[0])).join('');
      if (saved !== undefined) process.env.HF_REPO = saved;
      err.mockRestore();
      out.mockRestore();
    }
    expect(logged).toContain('[openchat 7/7] push: skipped (HF_REPO is not set');
    const gpt4 = readFileSync(join(dir, 'out', 'sharegpt_gpt4.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(gpt4.length).toBeGreaterThan(10);
    expect(gpt4.every((r) => r.model === 'Model: GPT-4')).toBe(true);
    for (const [name, maxLen] of [['openchat', 2048], ['openchat_8192', 8192]] as const) {
      const m = JSON.parse(readFileSync(join(dir, 'out', name, 'sftforge.json'), 'utf8'));
      expect(m).toMatchObject({ template: 'openchat_3.5', tokenizer: 'mistral', max_len: maxLen, rows: gpt4.length });
    }
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
  });

  it('validates pipeline files and names the file and the path of a mistake', async () => {
    const dir = tempDir();
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'name: x\nsteps:\n  - name: a\n    runn: [clean]\n');
    await expect(loadPipeline(f)).rejects.toThrow(/bad\.yaml: steps\.0/);
    expect(() => expand('${nope}', {}, f)).toThrow(ConfigError);
    expect(expand('${a}/b', { a: 'x' }, f)).toBe('x/b');
  });
});
