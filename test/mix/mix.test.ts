/** Mixtures: amounts as dataset_mixer_list reads them, per-source counts, seeded byte-identical output. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/core/types.js';
import { isReject } from '../../src/core/types.js';
import { parseAmount, targetSize } from '../../src/mix/amounts.js';
import { loadMixture, parseMixture } from '../../src/mix/mixture.js';
import { LegacyRandomState } from '../../src/mix/numpy_random.js';
import mixStage from '../../src/mix/stages/mix.js';
import { asyncIterableOf, fakeCtx } from '../helpers/ctx.js';
import { collect, ROOT, tempDir } from '../helpers/paths.js';

const RAW = join(ROOT, 'test/io/formats/fixtures/raw');

async function runMix(opts: Record<string, unknown>) {
  const def = mixStage;
  const stage = await def.create(def.options.parse(opts), { cwd: ROOT, where: 'test' });
  const ctx = fakeCtx('mix');
  const items = await collect(stage.run(asyncIterableOf([]), ctx));
  return { items, convs: items.filter((x): x is Conversation => !isReject(x)), rejects: items.filter(isReject), counters: Object.fromEntries(ctx.stats.counters) };
}

describe('amounts', () => {
  it('a dot makes a fraction, no dot a count ("1" is one record)', () => {
    expect(parseAmount('0.5')).toMatchObject({ kind: 'fraction', value: 0.5 });
    expect(parseAmount('1.0')).toMatchObject({ kind: 'fraction', value: 1 });
    expect(parseAmount('3.0')).toMatchObject({ kind: 'fraction', value: 3 });
    expect(parseAmount('1')).toMatchObject({ kind: 'count', value: 1 });
    expect(parseAmount('30000')).toMatchObject({ kind: 'count', value: 30000 });
    expect(parseAmount('-1')).toMatch(/not a count/);
    expect(parseAmount('1e3')).toMatch(/not a count/);
    expect(targetSize(parseAmount('0.5') as never, 5)).toBe(2); // int(0.5 * 5)
    expect(targetSize(parseAmount('2.5') as never, 3)).toBe(7);
  });
});

describe('mixture files', () => {
  const src = (amount: string) => `seed: 7\nsources:\n  - name: alpaca\n    path: \${data}/alpaca/alpaca_data.json\n    format: alpaca\n    amount: ${amount}\n`;

  it('refuses an unquoted amount at its line, saying to quote it', () => {
    expect(() => parseMixture(src('1.0'), 'm.yaml', { vars: { data: RAW } })).toThrow(/^m\.yaml:6: amount 1\.0 is unquoted[\s\S]*quote it: amount: "1\.0"/);
  });

  it('reports schema errors and unknown formats with FILE:LINE', () => {
    expect(() => parseMixture('sources:\n  - name: a\n    path: x\n    amount: "1.0"\n    colour: red\n', 'm.yaml')).toThrow(/^m\.yaml:2: sources\.0: Unrecognized key/);
    expect(() => parseMixture('sources:\n  - name: a\n    path: x\n    format: alpacca\n    amount: "1.0"\n', 'm.yaml')).toThrow(/^m\.yaml:4: unknown input format "alpacca"/);
    expect(() => parseMixture('sources:\n  - name: a\n    path: x\n    amount: "1.0"\n  - name: a\n    path: y\n    amount: "2"\n', 'm.yaml')).toThrow(/^m\.yaml:5: source name a is used twice/);
    expect(() => parseMixture(src('"1.0"'), 'm.yaml')).toThrow(/^m\.yaml:4: \$\{data\} is not set/);
  });

  it('the shipped Tülu mixtures load once their paths are set', () => {
    for (const f of ['tulu_v1.yaml', 'tulu_v2.yaml']) {
      const m = loadMixture(join(ROOT, 'configs/mixtures', f), { vars: { data: '/data' } });
      expect(m.sources.length).toBeGreaterThan(5);
      expect(m.sources.every((s) => s.paths.every((p) => p.startsWith('/data/')))).toBe(true);
    }
    const v2 = loadMixture(join(ROOT, 'configs/mixtures/tulu_v2.yaml'), { vars: { data: '/data' } });
    const amount = (n: string) => v2.sources.find((s) => s.name === n)!.amount.text;
    expect([amount('wizardlm'), amount('open_orca'), amount('gpt4_alpaca'), amount('cot_zsopt'), amount('hard_coded')]).toEqual(['30000', '30000', '20000', '25000', '10.0']);
    expect(v2.sources.find((s) => s.name === 'oasst1')!.options.topKReply).toBe(1);
  });
});

describe('mix stage', () => {
  const sources = [
    { name: 'alpaca', path: join(RAW, 'alpaca/alpaca_data.json'), format: 'alpaca', amount: '12' }, // 5 records: 2 full repeats + 2
    { name: 'dolly', path: join(RAW, 'dolly/databricks-dolly-15k.jsonl'), format: 'auto', amount: '0.67' }, // int(0.67 * 3) = 2
    { name: 'lima', path: join(RAW, 'lima/train.jsonl'), amount: '1.0' },
  ];

  it('gives each source its amount, names it in `dataset`, counts in and out', async () => {
    const { convs, counters } = await runMix({ sources, seed: 3 });
    const by = (n: string) => convs.filter((c) => c.dataset === n);
    expect([by('alpaca').length, by('dolly').length, by('lima').length]).toEqual([12, 2, 4]);
    expect(counters).toMatchObject({ mix_in_alpaca: 5, mix_out_alpaca: 12, mix_in_dolly: 3, mix_out_dolly: 2, mix_in_lima: 4, mix_out_lima: 4 });
    // Upsampling: every alpaca record at least twice, the extra two drawn as numpy's choice(5, 2).
    // Repeats carry derived ids (ID#2, ID#3): ids stay unique in the output; counted here by the id they derive from.
    expect(new Set(convs.map((c) => c.id)).size).toBe(convs.length);
    const count = new Map<string, number>();
    for (const c of by('alpaca')) count.set(c.id.replace(/#\d+$/, ''), (count.get(c.id.replace(/#\d+$/, '')) ?? 0) + 1);
    const extra = [...new LegacyRandomState(3).sampleWithoutReplacement(5, 2)].map((i) => `alpaca_data.json:${i}`).sort();
    expect(
      [...count.entries()]
        .filter(([, n]) => n === 3)
        .map(([id]) => id)
        .sort(),
    ).toEqual(extra);
    expect([...count.values()].every((n) => n >= 2)).toBe(true);
  });

  it('is byte-identical for the same seed and differs for another', async () => {
    const a = JSON.stringify((await runMix({ sources, seed: 3 })).items);
    const b = JSON.stringify((await runMix({ sources, seed: 3 })).items);
    const c = JSON.stringify((await runMix({ sources, seed: 4 })).items);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('order is numpy RandomState(seed).permutation over the sources concatenated', async () => {
    const plain = (await runMix({ sources, seed: 3, shuffle: false })).convs;
    const mixed = (await runMix({ sources, seed: 3 })).convs;
    const perm = new LegacyRandomState(3).permutation(plain.length);
    // Derived ids of repeats follow output order, so compare the ids they derive from.
    const base = (id: string) => id.replace(/#\d+$/, '');
    expect(mixed.map((c) => [c.dataset, base(c.id)])).toEqual([...perm].map((j) => [plain[j]!.dataset, base(plain[j]!.id)]));
  });

  it("passes the sources' rejects on and reads a mixture file with ${vars}", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.jsonl'), '{"instruction": "a", "output": "b"}\n{"instruction": 3}\nnot json\n');
    const file = join(dir, 'mix.yaml');
    writeFileSync(file, 'seed: 1\nsources:\n  - name: mine\n    path: ${here}/bad.jsonl\n    format: alpaca\n    amount: "1.0"\n');
    const { convs, rejects, counters } = await runMix({ file, vars: { here: dir } });
    expect(convs).toHaveLength(1);
    expect(rejects.map((r) => r.reason)).toEqual(['malformed', 'malformed']);
    expect(counters).toMatchObject({ mix_in_mine: 1, mix_out_mine: 1 });
  });
});
