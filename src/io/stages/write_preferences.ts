/**
 * `write_preferences`: preference pairs from records judged with candidates (`best_of_n`, or
 * pairwise `judge`) as JSONL in TRL's conversational preference format, one pair per line:
 * `{id, prompt:[{role, content}], chosen:[{role:"assistant", content}], rejected:[…],
 * score_chosen, score_rejected}` — `datasets.load_dataset("json")` reads it and TRL's DPOTrainer
 * takes it as is (extra columns are left out by the trainer). The pairing rule is in
 * src/judge/preferences.ts. Records pass on unchanged; the quarantine and report go beside the file.
 */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { preferencePairs } from '../../judge/preferences.js';
import { jsonLinesStage, WriterOptions, writerOutput } from './write_jsonl.js';

const options = WriterOptions.extend({
  /** Every pair whose scores differ by more than this (default: only the best against the worst). */
  margin: z.number().min(0).optional(),
}).strict();

export default defineStage({
  name: 'write_preferences',
  description: 'write preference pairs (TRL conversational: prompt/chosen/rejected) from judged candidates, best vs worst or every pair above a margin',
  kind: 'io',
  options,
  scope: 'global',
  output: (o, env) => writerOutput(o, env),
  create: (o, env) =>
    jsonLinesStage('write_preferences', writerOutput(o, env).path, (rec, ctx) => {
      const rows = preferencePairs(rec, { margin: o.margin });
      if (rows.length > 0) ctx.stats.count('preference_pairs', rows.length);
      else ctx.stats.count((rec.candidates?.length ?? 0) < 2 ? 'preference_no_candidates' : 'preference_no_pair');
      return rows;
    }),
});
