/** The split stage: exact test sizes (datasets' train_test_split rule), seeded, stratified by source. */
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/core/types.js';
import { isReject, reject } from '../../src/core/types.js';
import splitStage from '../../src/mix/stages/split.js';
import { testSizes } from '../../src/mix/split.js';
import { asyncIterableOf, fakeCtx } from '../helpers/ctx.js';
import { collect } from '../helpers/paths.js';

const conv = (i: number, dataset: string): Conversation => ({
  id: `r${i}`,
  turns: [
    { role: 'user', content: `q${i}` },
    { role: 'assistant', content: `a${i}` },
  ],
  source: { file: 'x.jsonl', line: i + 1 },
  dataset,
});
const data = [...Array.from({ length: 70 }, (_, i) => conv(i, 'big')), ...Array.from({ length: 30 }, (_, i) => conv(70 + i, 'small'))];

async function run(opts: Record<string, unknown>, items: unknown[] = data) {
  const stage = await splitStage.create(splitStage.options.parse(opts), { cwd: '.', where: 'test' });
  const ctx = fakeCtx('split');
  const out = await collect(stage.run(asyncIterableOf(items), ctx));
  return { out, counters: Object.fromEntries(ctx.stats.counters) };
}

describe('split', () => {
  it('a fraction takes ceil(f * n) test records, keeps order, tags the rest train', async () => {
    const { out, counters } = await run({ test: '0.15', seed: 1 });
    const convs = out as Conversation[];
    expect(convs.map((c) => c.id)).toEqual(data.map((c) => c.id));
    expect(convs.filter((c) => c.split === 'test')).toHaveLength(15);
    expect(convs.every((c) => c.split === 'test' || c.split === 'train')).toBe(true);
    expect(counters).toMatchObject({ split_test: 15, split_train: 85 });
  });

  it('stratified: each source gives its share', async () => {
    const { out, counters } = await run({ test: '0.1', seed: 1, stratify: 'source' });
    const t = (d: string) => (out as Conversation[]).filter((c) => c.dataset === d && c.split === 'test').length;
    expect([t('big'), t('small')]).toEqual([7, 3]);
    expect(counters).toMatchObject({ split_test_big: 7, split_test_small: 3 });
    expect(testSizes([70, 30], { kind: 'count', value: 11, text: '11' })).toEqual([8, 3]);
  });

  it('a count, same seed same split, another seed another; rejects pass in place', async () => {
    const items = [data[0], reject({ reason: 'malformed', source: { file: 'x', line: 9 } }), ...data.slice(1)];
    const a = await run({ test: '10', seed: 5 }, items);
    const b = await run({ test: 10, seed: 5 }, items);
    const c = await run({ test: '10', seed: 6 }, items);
    expect(JSON.stringify(a.out)).toBe(JSON.stringify(b.out));
    expect(JSON.stringify(c.out)).not.toBe(JSON.stringify(a.out));
    expect(isReject(a.out[1])).toBe(true);
    expect((a.out as Conversation[]).filter((x) => !isReject(x) && x.split === 'test')).toHaveLength(10);
  });

  it('refuses an unquoted fraction and a count above the records', async () => {
    expect(() => splitStage.options.parse({ test: 0.1 })).toThrow(/quoted fraction/);
    await expect(run({ test: '1000' })).rejects.toThrow(/more than the 100 records/);
  });
});
