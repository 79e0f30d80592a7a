// pipelines/ultrachat.yaml is one stage pipeline (generate → clean → dedup_exact → write_jsonl →
// tokenize → write_hf): checked with the loader and the builder (every option against its stage's
// schema), then run end to end against the fake OpenAI-compatible server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { buildPipeline } from '../../src/core/pipeline.js';
import { loadPipelineFile } from '../../src/exec/pipeline-file.js';
import { inspectRow } from '../../src/format/inspect.js';
import { ROOT } from './build.js';
import { startFakeServer, tmp, type FakeServer } from './fake-openai.js';

const FILE = join(ROOT, 'pipelines/ultrachat.yaml');
const readJsonl = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

async function sftforge(args: string[]): Promise<string> {
  const p = buildProgram().exitOverride();
  for (const c of p.commands) c.exitOverride();
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await p.parseAsync(args, { from: 'user' });
    return err.mock.calls.map((c) => String(c[0])).join('');
  } finally {
    err.mockRestore();
  }
}

describe('pipelines/ultrachat.yaml', () => {
  it('generates, cleans, dedups, writes, tokenizes (ultralm, 2048, split) in one pass, every option valid for its stage', async () => {
    const p = await loadPipelineFile(FILE, { output: '/data/uc' });
    expect(p.parts.map((x) => x.kind)).toEqual(['stages']);
    const part = p.parts[0]!;
    if (part.kind !== 'stages') throw new Error('unreachable');
    const steps = part.spec.steps as Record<string, unknown>[];
    expect(steps.map((s) => s.stage)).toEqual(['generate', 'clean', 'dedup_exact', 'write_jsonl', 'tokenize', 'write_hf']);
    const tok = steps[4]!;
    expect(tok).toMatchObject({ template: 'ultralm', max_len: 2048, chunk: 'split', tokenizer: 'llama2' });
    // Unquoted ${count}/${seed} read as numbers, as the stage's schema wants; --set fills ${output}.
    expect(steps[0]).toMatchObject({ path: '/data/uc/ultrachat_generated.jsonl', sector: 'all', count: 1000, seed: 0, config: 'configs/ultrachat.yaml' });
    expect(steps[3]).toMatchObject({ path: '/data/uc/ultrachat_clean.jsonl' });
    expect(steps[5]).toMatchObject({ path: '/data/uc/ultrachat_tokenized' });
    // The builder checks every option against its stage's strict schema (an unknown generate option fails here).
    const built = await buildPipeline(part.spec, { whereOf: part.whereOf, file: FILE });
    expect(built.steps.map((n) => (n.type === 'stage' ? n.def.name : 'branch'))).toEqual(steps.map((s) => s.stage));
    await expect(buildPipeline({ steps: [{ ...steps[0]!, concurency: 3 }] as never })).rejects.toThrow(/concurency/);
    // And the command line says the same without running anything.
    const printed = await sftforge(['pipeline', FILE, '--dry-run', '--set', 'output=/data/uc']);
    expect(printed).toContain('[ultrachat 1/1] stages: generate → clean → dedup_exact → write_jsonl → tokenize → write_hf');
  });

  describe('run against the fake OpenAI-compatible server', () => {
    let server: FakeServer;
    const out = tmp();
    const COUNT = 6;
    beforeAll(async () => {
      server = await startFakeServer({});
      await sftforge(['pipeline', FILE, '--set', `output=${out}`, '--set', `base_url=${server.url}`, '--set', `count=${COUNT}`, '--set', 'model=fake-model', '-q']);
    }, 120_000);
    afterAll(() => server?.close());

    it('writes the generated dialogues, the cleaned ones with their report, and the tokenized folder', () => {
      const generated = readJsonl(join(out, 'ultrachat_generated.jsonl'));
      expect(generated).toHaveLength(COUNT);
      const cleaned = readJsonl(join(out, 'ultrachat_clean.jsonl'));
      const rejects = readJsonl(join(out, 'ultrachat_clean.rejects.jsonl'));
      const report = JSON.parse(readFileSync(join(out, 'ultrachat_clean.report.json'), 'utf8'));
      // What clean wrote comes from what generate produced: in = out + rejects, ids from the generated file.
      expect(report.records_in).toBe(COUNT);
      expect(report.records_out).toBe(cleaned.length);
      expect(rejects.length).toBe(Object.values(report.rejects as Record<string, number>).reduce((a, b) => a + b, 0));
      expect(cleaned.length + rejects.length).toBe(COUNT);
      expect(cleaned.length).toBeGreaterThan(0);
      const genIds = generated.map((g) => g.id);
      for (const c of cleaned) expect(genIds).toContain(c.id);
      expect(server.log.length).toBeGreaterThan(COUNT);
    });

    it('tokenizes exactly the cleaned dialogues with the ultralm template at 2048, every row checked', async () => {
      const dir = join(out, 'ultrachat_tokenized');
      const m = JSON.parse(readFileSync(join(dir, 'sftforge.json'), 'utf8'));
      expect(m).toMatchObject({ template: 'ultralm', tokenizer: 'llama2', max_len: 2048, chunk: 'split', pack: false });
      const cleaned = readJsonl(join(out, 'ultrachat_clean.jsonl')) as { id: string; conversations: { from: string; value: string }[] }[];
      expect(m.rows).toBeGreaterThanOrEqual(cleaned.length);
      const byId = new Map<string, string>();
      for (let n = 0; n < m.rows; n++) {
        const r = await inspectRow(dir, n);
        expect(r.verdict.ok, `row ${n}`).toBe(true);
        expect(r.tokens).toBeLessThanOrEqual(2048);
        const text = r.spans.map((s) => s.text).join('');
        // ultralm renders "User: ...</s> \nAssistant: ...</s>"; only the replies are trained.
        expect(text).toMatch(/User: [\s\S]*<\/s> \nAssistant:/);
        byId.set(r.id, (byId.get(r.id) ?? '') + text);
      }
      // Every cleaned dialogue is tokenized (ids kept) and every turn of it is in its rows.
      expect([...byId.keys()].sort()).toEqual(cleaned.map((c) => c.id).sort());
      for (const c of cleaned) for (const t of c.conversations) expect(byId.get(c.id)).toContain(t.value);
    });
  });
});
