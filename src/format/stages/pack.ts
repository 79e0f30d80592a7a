/**
 * `pack`: tokenized rows packed into rows of at most `max_len` tokens, first-fit-decreasing over
 * the whole dataset (not batch by batch), spilled to disk so memory stays flat. Packed rows carry
 * where each conversation starts (position ids, sequence lengths) so trainers do not attend
 * across them. Needs every row, so in a ranked job it runs at merge.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { isReject } from '../../core/types.js';
import { PackSpill } from '../pack.js';

let spills = 0;

export default defineStage({
  name: 'pack',
  description: 'pack tokenized rows into rows of max_len tokens (first-fit-decreasing over the whole dataset)',
  kind: 'format',
  options: z.object({ max_len: z.number().int().min(8).max(10_000_000).optional() }).strict(),
  scope: 'global',
  create(o, env) {
    const tok = [...env.upstream].reverse().find((u) => u.name === 'tokenize')?.options as { max_len: number } | undefined;
    const maxLen = o.max_len ?? tok?.max_len;
    if (maxLen === undefined) throw new Error('pack needs max_len (or a tokenize step before it)');
    return {
      name: 'pack',
      async *run(input, ctx) {
        const spill = await new PackSpill(join(ctx.workDir, `pack-${ctx.stats.stage}-${spills++}.bin`), true).open();
        try {
          for await (const it of input) {
            if (isReject(it)) {
              yield it;
              continue;
            }
            const r = it as { id: string; input_ids: Int32Array; labels: Int32Array; loss_weights?: Float32Array };
            await spill.write(r.id, r.input_ids, r.labels, r.loss_weights ?? new Float32Array(r.input_ids.length).fill(1));
          }
          const bins = await spill.plan(maxLen);
          let tokens = 0;
          for (const [k, bin] of bins.entries()) {
            const row = await spill.packedRow(bin, k);
            tokens += row.input_ids.length;
            yield row;
          }
          ctx.stats.count('packed_rows', bins.length);
          ctx.stats.gauge('pack_fill_rate', bins.length ? Math.round((tokens / (bins.length * maxLen)) * 1e4) / 1e4 : 0);
          if (spill.firstLabelsMasked) ctx.stats.count('pack_first_labels_masked', spill.firstLabelsMasked);
        } finally {
          await spill.close();
        }
      },
    };
  },
});
