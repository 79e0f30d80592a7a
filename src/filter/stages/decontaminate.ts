/**
 * `decontaminate`: rejects a record when one of its user turns holds a benchmark prompt
 * (AlpacaEval, MT-bench, Vicuna bench bundled; any JSONL of prompts). The matcher and its rule
 * are in src/filter/decontaminate.ts; the report counts matches per benchmark
 * (`contaminated_<benchmark>`).
 */
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { defineStage } from '../../core/registry.js';
import { mapStage } from '../../core/stage.js';
import { reject, type Conversation } from '../../core/types.js';
import { ContaminationIndex, itemLabel } from '../decontaminate.js';
import { BUNDLED_EVALSETS, loadEvalsets } from '../evalsets.js';

const benchmark = z.union([z.string().min(1), z.object({ path: z.string().min(1), name: z.string().min(1).optional(), field: z.string().min(1).optional() }).strict()]);

const options = z
  .object({
    /** Bundled names (alpaca_eval, mt_bench, vicuna_bench) or JSONL files of prompts. */
    benchmarks: z.array(benchmark).min(1).default(Object.keys(BUNDLED_EVALSETS)),
    ngram: z.number().int().min(1).max(64).default(8),
    threshold: z.number().gt(0).max(1).default(0.5),
  })
  .strict();

export default defineStage({
  name: 'decontaminate',
  description: 'reject records whose user turns contain a benchmark prompt (AlpacaEval, MT-bench, Vicuna, or your own): word n-gram overlap',
  kind: 'filter',
  options,
  scope: 'record',
  async create(o, env) {
    const items = await loadEvalsets(o.benchmarks, env.cwd);
    if (items.length === 0) throw new UsageError('the benchmarks hold no prompts', 'check the benchmark files');
    const index = new ContaminationIndex(items, { ngram: o.ngram, threshold: o.threshold });
    return mapStage<Conversation, Conversation>('decontaminate', (rec, ctx) => {
      let userTurn = 0;
      for (const t of rec.turns) {
        if (t.role !== 'user') continue;
        userTurn++;
        const all = index.matchAll(t.content);
        if (all.length === 0) continue;
        // A prompt can be in several benchmarks (AlpacaEval holds the Vicuna questions): each counts.
        const benchmarks = [...new Set(all.map((m) => m.item.benchmark))];
        for (const b of benchmarks) ctx.stats.count(`contaminated_${b}`);
        const m = all[0]!;
        const how = m.exact ? 'equal to the whole prompt' : `${Math.floor(m.share * 100)}% of its ${o.ngram}-grams`;
        const also = all.slice(1, 4).map((x) => itemLabel(x.item));
        const r = reject({
          reason: 'contaminated',
          detail: `${itemLabel(m.item)} in user turn ${userTurn} (${how})${also.length > 0 ? `; also ${also.join(', ')}${all.length > 4 ? ', …' : ''}` : ''}`,
          source: rec.source,
          id: rec.id,
          record: rec,
        });
        // The same facts as fields of the quarantine line, for tools that count by benchmark.
        return Object.assign(r, { benchmark: m.item.benchmark, benchmark_id: m.item.id, ...(m.item.turn !== undefined && { benchmark_turn: m.item.turn }) });
      }
      return rec;
    });
  },
});
