/**
 * One pipeline, four ways to run it — a pipeline file, the library (`import … from "sftforge"`
 * through a linked package), three Slurm-array ranks then `sftforge merge`, and the main job —
 * on a dump where a GPT-4 conversation comes after its GPT-3.5 twin. The GPT-4 filter runs
 * before dedup, so the twin must survive everywhere, and every way must write the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/paths.js';
import { ensureBuilt, ok, runCli } from './helpers.js';
import { rmSync } from 'node:fs';

const tmp = tempDir('sftforge-pipe-ranks-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const answer = (topic: string) => `<div class="markdown prose"><p>Here is a careful answer about ${topic}, with enough words to pass every length rule.</p></div>`;
const rec = (id: string, model: string | undefined, topic: string) => ({
  id,
  ...(model ? { model } : {}),
  conversations: [
    { from: 'human', value: `Tell me about ${topic}.` },
    { from: 'gpt', value: answer(topic) },
  ],
});

// Records 0..29; the twin pair is A (GPT-3.5 first, GPT-4 later), B is a GPT-4 exact duplicate.
function dump(): unknown[] {
  const out: unknown[] = [];
  out.push(rec('a35', 'Model: Default (GPT-3.5)', 'tides'));
  for (let i = 0; i < 12; i++) out.push(rec(`x${i}`, i % 2 ? 'Model: GPT-4' : '', `topic number ${i}`));
  out.push(rec('a4', 'Model: GPT-4', 'tides'));
  out.push(rec('b1', 'Model: GPT-4', 'volcanoes'));
  out.push({ id: 'broken', conversations: 'not a list' });
  for (let i = 12; i < 26; i++) out.push(rec(`x${i}`, i % 3 ? 'Model: GPT-4' : undefined, `topic number ${i}`));
  out.push(rec('b2', 'Model: GPT-4', 'volcanoes'));
  return out;
}

const PIPELINE = `steps:
  - stage: read
    paths: ["\${input}"]
  - stage: clean
  - stage: filter_model
    model: "Model: GPT-4"
  - stage: dedup_exact
  - stage: write_jsonl
    path: "\${output}/gpt4.jsonl"
`;

const input = join(tmp, 'in');
const file = join(tmp, 'gpt4.yaml');
const slurm = (task: number) => ({ SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0' });
const ids = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { id: string }).id);

describe('a composed pipeline with a cross-model twin', () => {
  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(input, { recursive: true });
    writeFileSync(join(input, 'dump.json'), JSON.stringify(dump(), null, 1));
    writeFileSync(file, PIPELINE);
    await ok(runCli(['pipeline', file, '--set', `input=${input}`, '--set', `output=${join(tmp, 'single')}`, '--quiet']));
  }, 180_000);

  it('keeps the GPT-4 twin whose GPT-3.5 copy came first, and drops the true duplicate', () => {
    const got = ids(join(tmp, 'single', 'gpt4.jsonl'));
    expect(got).toContain('a4');
    expect(got).toContain('b1');
    expect(got).not.toContain('b2');
    expect(got).not.toContain('a35');
    const rejects = readFileSync(join(tmp, 'single', 'gpt4.rejects.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; id?: string });
    expect(rejects.find((r) => r.id === 'b2')?.reason).toBe('duplicate');
    expect(rejects.find((r) => r.id === 'a35')?.reason).toBe('model_filter');
    const report = JSON.parse(readFileSync(join(tmp, 'single', 'gpt4.report.json'), 'utf8'));
    expect(report.records_in).toBe(dump().length);
    expect(report.records_in).toBe(report.records_out + rejects.length);
  });

  it('runPipeline from `import … from "sftforge"` (the package linked into node_modules) writes the same bytes', () => {
    const app = join(tmp, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(app, 'node_modules', 'sftforge'), 'dir');
    const steps = [
      { stage: 'read', paths: [input] },
      { stage: 'clean' },
      { stage: 'filter_model', model: 'Model: GPT-4' },
      { stage: 'dedup_exact' },
      { stage: 'write_jsonl', path: join(tmp, 'lib', 'gpt4.jsonl') },
    ];
    writeFileSync(
      join(app, 'run.mjs'),
      `import { runPipeline, mtld } from 'sftforge';\nconst r = await runPipeline({ name: 'gpt4', steps: ${JSON.stringify(steps)} });\nconsole.log(JSON.stringify({ out: r.outputs[0].report.records_out, mtld: typeof mtld }));\n`,
    );
    const printed = JSON.parse(execFileSync(process.execPath, ['run.mjs'], { cwd: app, encoding: 'utf8' })) as { out: number; mtld: string };
    expect(printed.mtld).toBe('function');
    expect(readFileSync(join(tmp, 'lib', 'gpt4.jsonl')).equals(readFileSync(join(tmp, 'single', 'gpt4.jsonl')))).toBe(true);
    expect(printed.out).toBe(ids(join(tmp, 'single', 'gpt4.jsonl')).length);
  }, 60_000);

  it('3 Slurm-array ranks then `sftforge merge FOLDER -o OUT` write what one process writes', async () => {
    const parts = join(tmp, 'ranked');
    await Promise.all([0, 1, 2].map((t) => ok(runCli(['pipeline', file, '--set', `input=${input}`, '--set', `output=${parts}`, '--quiet'], slurm(t)))));
    const out = join(tmp, 'merged', 'final.jsonl');
    await ok(runCli(['merge', parts, '-o', out, '--quiet']));
    expect(readFileSync(out).equals(readFileSync(join(tmp, 'single', 'gpt4.jsonl')))).toBe(true);
    expect(readFileSync(join(tmp, 'merged', 'final.rejects.jsonl')).equals(readFileSync(join(tmp, 'single', 'gpt4.rejects.jsonl')))).toBe(true);
    const strip = (p: string) => {
      const r = JSON.parse(readFileSync(p, 'utf8'));
      for (const k of ['seconds', 'mb_per_s', 'records_per_s', 'peak_rss_mb']) delete r[k];
      return r;
    };
    expect(strip(join(tmp, 'merged', 'final.report.json'))).toEqual(strip(join(tmp, 'single', 'gpt4.report.json')));
  }, 180_000);

  it('the main job keeps the twin in sharegpt_gpt4.jsonl and drops it from nothing', async () => {
    const out = join(tmp, 'main');
    const r = await ok(runCli(['pipeline', join(ROOT, 'pipelines', 'openchat.yaml'), '--set', `input=${input}`, '--set', `output=${out}`, '--quiet']));
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'sharegpt_gpt4.jsonl')).equals(readFileSync(join(tmp, 'single', 'gpt4.jsonl')))).toBe(true);
    // Across models, the twin is a duplicate: the all-models output keeps the first (GPT-3.5) copy.
    const all = ids(join(out, 'sharegpt_clean.jsonl'));
    expect(all).toContain('a35');
    expect(all).not.toContain('a4');
  }, 180_000);

  it('`sftforge stages` lists every stage the issue names, with options and defaults', async () => {
    const r = await ok(runCli(['stages', '--json']));
    const list = JSON.parse(r.stdout) as { name: string; description: string; options: { name: string; default?: unknown }[] }[];
    const names = list.map((s) => s.name);
    for (const n of [
      'read',
      'clean',
      'filter_model',
      'filter_lang',
      'filter_blocked_words',
      'filter_unwanted',
      'filter_turns',
      'dedup_exact',
      'dedup_near',
      'tokenize',
      'pack',
      'stats',
      'generate',
      'write_jsonl',
      'write_hf',
      'write_parquet_openchat',
    ]) {
      expect(names).toContain(n);
    }
    for (const s of list) expect(s.description.length).toBeGreaterThan(10);
    const tok = list.find((s) => s.name === 'tokenize')!;
    expect(tok.options.find((o) => o.name === 'max_len')?.default).toBe(2048);
    const text = (await ok(runCli(['stages']))).stdout;
    expect(text).toMatch(/^filter_model {2}\(filter, record\)\n {2}keep records whose model field/m);
  }, 60_000);

  it('a pipeline file with a mistake is refused with FILE:LINE and exit code 2', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'steps:\n  - stage: read\n    paths: [x]\n  - stage: filter_model\n    modle: GPT-4\n');
    const r = await runCli(['pipeline', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:4`);
    expect(r.stderr).toMatch(/filter_model/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(bad, 'steps:\n  - stage: read\n    paths: [x]\n  - stage: no_such_stage\n');
    const r2 = await runCli(['pipeline', bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: unknown stage "no_such_stage"`));
  }, 60_000);
});
