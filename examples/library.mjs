// sftforge as a library: keep the GPT-4 conversations of the bundled sample, cleaned and
// deduplicated. From the repository root after `npm ci`: node examples/library.mjs
import { runPipeline } from 'sftforge';

const result = await runPipeline({
  name: 'gpt4',
  steps: [
    { stage: 'read', paths: ['examples/sharegpt_sample.json'] },
    { stage: 'clean' },
    { stage: 'filter_model', model: 'Model: GPT-4' },
    { stage: 'dedup_exact' },
    { stage: 'write_jsonl', path: 'out/library/gpt4.jsonl' },
  ],
});
// What each stage counted, in step order; then each writer's output and the report beside it.
for (const s of result.stages) console.log(`${s.stage}: ${s.in} in, ${s.out} out, rejects ${JSON.stringify(s.rejects)}`);
for (const { path, report } of result.outputs) console.log(`${path}: ${report.records_out} of ${report.records_in} records`);
