#!/usr/bin/env node
// Bare tokenization, the physical limit of the tokenize stage, for scripts/bench-peers.mjs:
// renders every conversation of a ShareGPT JSONL file with sftforge's template (not timed), then
// times only the Rust `tokenizers` binding's `encodeBatch` (no special tokens added: the template
// writes them) over the rendered texts in batches of --batch, with the binding's own thread pool
// (RAYON_NUM_THREADS, default one thread per core), --inflight batches at once as the stage does.
// --serial turns the library's within-batch split off (TOKENIZERS_PARALLELISM=false, set here
// unless already set), so each batch runs alone on its libuv thread: the tokenize stage's own
// configuration with the Rust backend (src/format/stages/tokenize.ts: serial, 2 in flight).
// --as-stage loads the tokenizer as the stage does (src/format/tokenizer/native.ts, rustTokenizerText:
// an empty BPE prefix/suffix read as null, same tokens, less CPU); without it, tokenizer.json as
// shipped. Prints one JSON line on stderr: encode_s (wall) and encode_cpu_s (the process's CPU over
// the same interval: the encoder threads and this one).
// usage: node bare-encode.mjs --root SFTFORGE_ROOT --input IN.jsonl [--tokenizer qwen3] [--template chatml] [--batch 128] [--inflight 2] [--serial] [--as-stage]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    root: { type: 'string' },
    input: { type: 'string' },
    tokenizer: { type: 'string', default: 'qwen3' },
    template: { type: 'string', default: 'chatml' },
    batch: { type: 'string', default: '128' },
    inflight: { type: 'string', default: '2' },
    serial: { type: 'boolean', default: false },
    'as-stage': { type: 'boolean', default: false },
  },
});
if (a.serial) process.env.TOKENIZERS_PARALLELISM ??= 'false';
const t0 = performance.now();
const dist = (p) => pathToFileURL(join(a.root, 'dist', p)).href;
const { buildFormatter } = await import(dist('format/setup.js'));
const { resolveTokenizer } = await import(dist('format/tokenizer/source.js'));
const files = await resolveTokenizer(a.tokenizer);
const built = await buildFormatter({ template: a.template, tokenizer: files, backend: 'js', format: { maxLen: 1 << 30, chunk: 'split', tokenize: 'whole' } });
const roles = { human: 'user', gpt: 'assistant', system: 'system' };
const texts = [];
for (const line of readFileSync(a.input, 'utf8').split('\n')) {
  if (!line) continue;
  const c = JSON.parse(line);
  texts.push(built.template.render(c.conversations.map((t) => ({ role: roles[t.from], content: t.value }))).text);
}
const { Tokenizer } = createRequire(join(a.root, 'package.json'))('tokenizers');
let json = readFileSync(files.tokenizer, 'utf8');
if (a['as-stage']) {
  const { scanTokenizerJson } = await import(dist('format/tokenizer/lazy-json.js'));
  const { rustTokenizerText } = await import(dist('format/tokenizer/native.js'));
  json = rustTokenizerText(scanTokenizerJson(Buffer.from(json), () => undefined)) ?? json;
}
const tok = Tokenizer.fromString(json);
const batch = Number(a.batch);
const c1 = process.cpuUsage();
const t1 = performance.now();
let tokens = 0;
// Like the stage, keep --inflight batches in the binding at once (each runs on a libuv thread).
const queue = [];
const drain = async () => {
  for (const e of await queue.shift()) tokens += e.getIds().length;
};
for (let i = 0; i < texts.length; i += batch) {
  queue.push(tok.encodeBatch(texts.slice(i, i + batch), { addSpecialTokens: false }));
  if (queue.length >= Number(a.inflight)) await drain();
}
while (queue.length) await drain();
const t2 = performance.now();
const cpu = process.cpuUsage(c1);
const parallelism = process.env.TOKENIZERS_PARALLELISM ?? '(unset)';
console.error(
  JSON.stringify({
    texts: texts.length,
    tokens,
    encode_s: +((t2 - t1) / 1000).toFixed(3),
    encode_cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(3),
    as_stage: a['as-stage'],
    setup_s: +((t1 - t0) / 1000).toFixed(3),
    inflight: Number(a.inflight),
    parallelism,
  }),
);
