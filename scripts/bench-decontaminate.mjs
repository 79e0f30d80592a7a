// Decontamination throughput: the bundled benchmarks against every turn of the shared ShareGPT
// sample and the Chinese MedicalGPT sample. Run after `npm run build`: node scripts/bench-decontaminate.mjs
import { readFileSync } from 'node:fs';
import { ContaminationIndex, wordsOf } from '../dist/filter/decontaminate.js';
import { loadEvalsets } from '../dist/filter/evalsets.js';

const shared = new URL('../../shared/data/', import.meta.url);
const turns = (file) => {
  const out = [];
  for (const line of readFileSync(new URL(file, shared), 'utf8').split('\n')) {
    try {
      for (const c of JSON.parse(line).conversations ?? []) if (typeof c.value === 'string') out.push(c.value);
    } catch {
      // the sample has one truncated line on purpose
    }
  }
  return out;
};
const t0 = performance.now();
const index = new ContaminationIndex(await loadEvalsets(['alpaca_eval', 'mt_bench', 'vicuna_bench'], process.cwd()));
console.log(`index: ${index.items.length} prompts in ${(performance.now() - t0).toFixed(0)} ms`);
for (const [name, texts] of [
  ['sharegpt_html_sample.jsonl', turns('sharegpt_html_sample.jsonl')],
  ['MedicalGPT zh', turns('public/MedicalGPT_sharegpt_zh_1K_format.jsonl')],
]) {
  let chars = 0;
  let hits = 0;
  const a = performance.now();
  for (const t of texts) {
    chars += t.length;
    if (index.matchAllWords(wordsOf(t, index.segmentIf)).length > 0) hits++;
  }
  const s = (performance.now() - a) / 1000;
  console.log(`${name}: ${texts.length} turns, ${(chars / 1e6).toFixed(1)} M chars in ${s.toFixed(2)} s = ${(chars / s / 1e6).toFixed(2)} M chars/s; ${hits} turns matched`);
}
