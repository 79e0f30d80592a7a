#!/usr/bin/env node
/**
 * Benchmark of the tokenize stage against bare tokenization of the same texts.
 *
 *   node scripts/bench-tokenize.mjs [--input sharegpt|dummy|FILE.json] [--repeat N] [--tokenizer llama2]
 *                                   [--template openchat_3.5] [--workers 1,2] [--max-len 2048]
 *                                   [--runs 3] [--backend auto|native|js]
 *
 * Input (repeated --repeat times with fresh ids, written to a temporary JSONL):
 * - sharegpt (default): the ShareGPT sample (../shared/data/sharegpt_html_sample.jsonl) with each
 *   assistant turn replaced by its truth Markdown, i.e. what the cleaning stage should produce;
 * - dummy: FastChat's 500 short dummy conversations (many tiny samples: per-sample costs dominate);
 * - a ShareGPT JSON array file. "bare" renders every conversation with the template and times
 * only `encodeBatch` (Rust binding, batches of 128 like the stage); "stage" times `runTokenize`
 * end to end (read, render, tokenize, mask, check, chunk, write shards). Prints tokens/s for each
 * and the stage/bare ratio. Build first: npx tsc -p .
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(root, 'dist', p);
const { runTokenize } = await import(dist('format/run-tokenize.js'));
const { buildFormatter } = await import(dist('format/setup.js'));
const { resolveTokenizer } = await import(dist('format/tokenizer/source.js'));

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const which = arg('input', 'sharegpt');
const repeat = Number(arg('repeat', which === 'dummy' ? '40' : '1'));
const tokenizer = arg('tokenizer', 'llama2');
const template = arg('template', 'openchat_3.5');
const workersList = arg('workers', '1,2').split(',').map(Number);
const maxLen = Number(arg('max-len', '2048'));
// The machine may be shared: each figure is the best of --runs runs.
const runs = Number(arg('runs', '3'));
const backendChoice = arg('backend', 'auto');
const shared = join(root, '../shared/data');

/** ShareGPT records with their assistant turns replaced by the truth Markdown. */
function sharegptTruth() {
  const truth = JSON.parse(readFileSync(join(shared, 'sharegpt_html_sample.truth.json'), 'utf8'));
  const out = [];
  for (const line of readFileSync(join(shared, 'sharegpt_html_sample.jsonl'), 'utf8').split('\n')) {
    let rec;
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    const answers = truth[rec?.id];
    if (!Array.isArray(rec?.conversations) || !Array.isArray(answers) || answers.some((a) => typeof a !== 'string')) continue;
    let k = 0;
    const conversations = [];
    for (const t of rec.conversations) {
      if (t.from === 'human') conversations.push({ from: 'human', value: String(t.value ?? '') });
      else if (t.from === 'gpt' && k < answers.length) conversations.push({ from: 'gpt', value: answers[k++] });
    }
    if (k === answers.length && conversations.length >= 2) out.push({ id: rec.id, conversations });
  }
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'sftforge-bench-'));
try {
  const input = which === 'sharegpt' ? 'ShareGPT sample with truth Markdown' : which === 'dummy' ? join(shared, 'public/FastChat_dummy_conversation.json') : which;
  const convs = which === 'sharegpt' ? sharegptTruth() : JSON.parse(readFileSync(input, 'utf8'));
  const lines = [];
  for (let r = 0; r < repeat; r++) for (const c of convs) lines.push(JSON.stringify({ ...c, id: `${c.id}_r${r}` }));
  const jsonl = join(tmp, 'in.jsonl');
  writeFileSync(jsonl, lines.join('\n') + '\n');
  console.log(
    `input: ${lines.length} conversations (${input} ×${repeat}), tokenizer ${tokenizer}, template ${template}, max-len ${maxLen}, best of ${runs} runs, RAYON_NUM_THREADS=${process.env.RAYON_NUM_THREADS ?? '(default)'}`,
  );

  // Bare: the rendered texts, encodeBatch only.
  const files = await resolveTokenizer(tokenizer);
  const built = await buildFormatter({ template, tokenizer: files, backend: backendChoice, format: { maxLen, chunk: 'split', tokenize: 'whole' } });
  const texts = lines.map((l) => {
    const c = JSON.parse(l);
    const turns = c.conversations.map((t) => ({ role: t.from === 'human' ? 'user' : 'assistant', content: t.value }));
    return built.template.render(turns).text;
  });
  const backend = built.tokenizer.backend;
  await backend.encodeBatch(texts.slice(0, 128), 'full'); // warm-up
  let bareS = Infinity;
  let bareTokens = 0;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    bareTokens = 0;
    for (let i = 0; i < texts.length; i += 128) {
      const encs = await backend.encodeBatch(texts.slice(i, i + 128), 'full');
      for (const e of encs) bareTokens += e.ids.length;
    }
    bareS = Math.min(bareS, (performance.now() - t0) / 1000);
  }
  const bare = bareTokens / bareS;
  console.log(`bare encodeBatch (${backend.kind}): ${bareTokens} tokens in ${bareS.toFixed(2)} s = ${Math.round(bare)} tokens/s`);

  for (const workers of workersList) {
    let s = Infinity;
    let tokens = 0;
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      const res = await runTokenize({ inputs: [jsonl], output: join(tmp, `out-w${workers}`), tokenizer, template, maxLen, workers, backend: backendChoice, quiet: true });
      s = Math.min(s, (performance.now() - t0) / 1000);
      tokens = res.report.counters.tokens ?? 0;
    }
    console.log(`stage --workers ${workers}: ${tokens} tokens in ${s.toFixed(2)} s = ${Math.round(tokens / s)} tokens/s (${((tokens / s / bare) * 100).toFixed(0)}% of bare)`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
