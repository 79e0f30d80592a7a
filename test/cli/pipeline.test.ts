// The declarative pipeline runner and the main job's pipeline file, run in-process.
import { describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/program.js';
import { expand, loadPipelineFile } from '../../src/exec/pipeline-file.js';
import { ConfigError } from '../../src/core/errors.js';
import { ROOT, sharedData, tempDir } from '../helpers/paths.js';

async function run(args: string[]) {
  const p = buildProgram();
  p.exitOverride();
  await p.parseAsync(args, { from: 'user' });
}

describe('sftforge pipeline', () => {
  it('runs pipelines/openchat.yaml in one pass: clean, dedup across models (branch), GPT-4 filter then dedup, tokenize at 2048 and 8192 (branch), stats; skips push without HF_REPO', async () => {
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
    expect(logged).toContain('[openchat 1/4] stages: read → clean → branch → filter_model → dedup_exact → write_jsonl → branch → tokenize → write_hf');
    expect(logged).toContain('[openchat 4/4] push: skipped (HF_REPO is not set');
    // One pass, both outputs balanced: every input record is in each output or its quarantine.
    for (const name of ['sharegpt_clean', 'sharegpt_gpt4']) {
      const rep = JSON.parse(readFileSync(join(dir, 'out', `${name}.report.json`), 'utf8'));
      const rejected = Object.values(rep.rejects as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(rep.records_in).toBe(120);
      expect(rep.records_in).toBe(rep.records_out + rejected);
      const lines = readFileSync(join(dir, 'out', `${name}.rejects.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean);
      expect(lines.length).toBe(rejected);
    }
    const gpt4 = readFileSync(join(dir, 'out', 'sharegpt_gpt4.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(gpt4.length).toBeGreaterThan(10);
    expect(gpt4.every((r) => r.model === 'Model: GPT-4')).toBe(true);
    for (const [name, maxLen] of [
      ['openchat', 2048],
      ['openchat_8192', 8192],
    ] as const) {
      const m = JSON.parse(readFileSync(join(dir, 'out', name, 'sftforge.json'), 'utf8'));
      expect(m).toMatchObject({ template: 'openchat_3.5', tokenizer: 'mistral', max_len: maxLen, rows: gpt4.length });
    }
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
  });

  it('validates pipeline files and names the file and the path of a mistake', async () => {
    const dir = tempDir();
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'name: x\nsteps:\n  - name: a\n    run: clean\n');
    await expect(loadPipelineFile(f)).rejects.toThrow(/bad\.yaml:4: run: must be a list/);
    writeFileSync(f, 'name: x\nstepz: []\n');
    await expect(loadPipelineFile(f)).rejects.toThrow(/bad\.yaml:2: unknown key "stepz"/);
    writeFileSync(f, 'steps:\n  - stage: read\n    paths: ["${undefined_var}"]\n');
    await expect(loadPipelineFile(f)).rejects.toThrow(/bad\.yaml:3: \$\{undefined_var\} is not defined/);
    // An unquoted ${var} reads as YAML would read its value; a quoted one stays a string.
    writeFileSync(f, 'vars:\n  n: "12"\nsteps:\n  - stage: read\n    paths: ["${n}"]\n    seed: ${n}\n');
    const loaded = await loadPipelineFile(f);
    const step = (loaded.parts[0] as { spec: { steps: Record<string, unknown>[] } }).spec.steps[0]!;
    expect(step).toEqual({ stage: 'read', paths: ['12'], seed: 12 });
    expect(() => expand('${nope}', {}, f)).toThrow(ConfigError);
    expect(expand('${a}/b', { a: 'x' }, f)).toBe('x/b');
  });
});
