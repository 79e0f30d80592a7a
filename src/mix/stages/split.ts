/**
 * `split`: tags every record `split: 'train' | 'test'`, the test share a fraction ("0.1") or a
 * count ("1000"), chosen by a seeded permutation, optionally per source (`stratify: source`).
 * Records keep their input order; writers (write_hf's DatasetDict) route them by the tag. Needs
 * every record before it can choose, so records wait on disk (offsets only in memory).
 */
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { defineStage } from '../../core/registry.js';
import type { Conversation } from '../../core/types.js';
import { isReject } from '../../core/types.js';
import { parseAmount } from '../amounts.js';
import { SpillFile } from '../spill.js';
import { stratumOf, testMask, testSizes } from '../split.js';

const Options = z
  .object({
    /** The test share: a quoted fraction ("0.1") or a count ("1000", or the integer 1000). */
    test: z.union([z.string(), z.number().int().nonnegative()], { error: 'test must be a quoted fraction ("0.1") or a count ("1000")' }),
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    stratify: z.enum(['none', 'source']).default('none'),
  })
  .strict();

export default defineStage({
  name: 'split',
  description: 'tag records split: train|test; `test` a fraction ("0.1") or count ("1000"), seeded, optionally stratified by source (dataset)',
  kind: 'mix',
  options: Options,
  scope: 'global',
  create(o, env) {
    const test = parseAmount(String(o.test));
    if (typeof test === 'string') throw new UsageError(`${env.where}: split test ${test}`, 'quote it: test: "0.1" (a fraction) or test: "1000" (a count)');
    if (test.kind === 'fraction' && !(test.value > 0 && test.value < 1)) {
      throw new UsageError(`${env.where}: split test fraction ${test.text} must be between 0 and 1`, 'e.g. test: "0.05"');
    }
    return {
      name: 'split',
      async *run(input, ctx) {
        const spill = new SpillFile(ctx.workDir, 'split');
        try {
          const strata = new Map<string, number>(); // name → index
          const sizes: number[] = [];
          // Per spilled item: -1 for a reject, else its stratum; its rank inside the stratum is counted on the way out.
          let which = new Int32Array(1024);
          for await (const item of input) {
            if (ctx.signal.aborted) return;
            let s = -1;
            if (!isReject(item)) {
              const name = o.stratify === 'source' ? stratumOf(item as Conversation) : '';
              s = strata.get(name) ?? -1;
              if (s < 0) {
                s = sizes.length;
                strata.set(name, s);
                sizes.push(0);
              }
              sizes[s]!++;
            }
            if (spill.size >= which.length) {
              const w = new Int32Array(which.length * 2);
              w.set(which);
              which = w;
            }
            which[spill.size] = s;
            spill.add(item);
          }
          const total = sizes.reduce((a, b) => a + b, 0);
          if (test.kind === 'count' && test.value > total) {
            throw new UsageError(`${env.where}: split test count ${test.value} is more than the ${total} records`, 'ask for fewer test records or a fraction');
          }
          const t = testSizes(sizes, test);
          const names = [...strata.keys()];
          const masks = names.map((name, i) => testMask(sizes[i]!, t[i]!, o.seed, name));
          const seen = new Array<number>(sizes.length).fill(0);
          for (let i = 0; i < spill.size; i++) {
            const item = spill.get(i);
            const s = which[i]!;
            if (s < 0) {
              yield item;
              continue;
            }
            const isTest = masks[s]![seen[s]!++] === 1;
            (item as Conversation).split = isTest ? 'test' : 'train';
            yield item;
          }
          ctx.stats.count(
            'split_test',
            t.reduce((a, b) => a + b, 0),
          );
          ctx.stats.count('split_train', total - t.reduce((a, b) => a + b, 0));
          if (o.stratify === 'source') names.forEach((n, i) => ctx.stats.count(`split_test_${n}`, t[i]!));
        } finally {
          spill.close();
        }
      },
    };
  },
});
