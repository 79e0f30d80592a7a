#!/usr/bin/env node
/**
 * Benchmark of `sftforge stats` (prints figures; not a timed test). Build first: `npx tsc -p .`.
 *
 *   node scripts/bench-stats.mjs [--mb 8] [--repeats 1]
 *
 * 1. Whole statistics pass (read + MTLD + lengths + distinct-n + gzip + groups) on a JSONL made
 *    by repeating ../shared/data/public conversations to ~MB megabytes, then on 4x that: MB/s of
 *    input and of utterance text, and the time ratio (4.0 = linear).
 * 2. MTLD alone: tokens/s on one long token list of 1x, 4x, 16x length (constant = linear).
 */
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeStats, lexTokenize, mtldTokens } from '../dist/stats/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const PUBLIC = resolve(here, '../../shared/data/public');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const MB = arg('mb', 8);
const REPEATS = arg('repeats', 1);

/** One JSON line per public conversation (ShareGPT form), in a fixed order. */
async function publicLines() {
  const lines = [];
  for (const f of ['FastChat_dummy_conversation.json', 'DialogStudio_ShareGPT_original_example.json', 'axolotl_tests_fixtures_conversation.json']) {
    const v = JSON.parse(await readFile(join(PUBLIC, f), 'utf8'));
    for (const rec of Array.isArray(v) ? v : [v]) lines.push(JSON.stringify(rec));
  }
  for (const f of ['MedicalGPT_sharegpt_zh_1K_format.jsonl', 'UltraChat_train_record0.jsonl', 'openai-cookbook_toy_chat_fine_tuning.jsonl']) {
    for (const l of (await readFile(join(PUBLIC, f), 'utf8')).split('\n')) if (l.trim()) lines.push(l);
  }
  return lines;
}

async function writeRepeated(path, lines, bytes) {
  const out = createWriteStream(path);
  let written = 0;
  for (let round = 0; written < bytes; round++) {
    for (const l of lines) {
      // A per-round id keeps records distinct, as a real file's would be.
      const line = l.replace(/^\{/, `{"bench_round":${round},`) + '\n';
      written += Buffer.byteLength(line);
      if (!out.write(line)) await once(out, 'drain');
      if (written >= bytes) break;
    }
  }
  out.end();
  await once(out, 'finish');
  return written;
}

async function timePass(path, bytes, opts = {}) {
  let best = Infinity;
  let res;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = process.hrtime.bigint();
    res = await computeStats([path], opts);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const text = res.text.gzip.raw_bytes;
  return { s: best, mbps: bytes / 1e6 / best, textMbps: text / 1e6 / best, dialogues: res.population.dialogues, mtld: res.text.mtld.all.mean };
}

const dir = await mkdtemp(join(tmpdir(), 'bench-stats-'));
try {
  const lines = await publicLines();
  const p1 = join(dir, 'x1.jsonl');
  const p4 = join(dir, 'x4.jsonl');
  const b1 = await writeRepeated(p1, lines, MB * 1e6);
  const b4 = await writeRepeated(p4, lines, 4 * MB * 1e6);
  console.log(`node ${process.version}; input: ../shared/data/public conversations repeated (${lines.length} distinct lines)`);
  await computeStats([p1], { sample: 50 }); // warm-up (JIT), so that 1x is not charged for compiling
  const r1 = await timePass(p1, b1);
  const rss1 = process.resourceUsage().maxRSS / 1024;
  const r4 = await timePass(p4, b4);
  const rss4 = process.resourceUsage().maxRSS / 1024;
  for (const [name, b, r] of [
    ['1x', b1, r1],
    ['4x', b4, r4],
  ]) {
    console.log(
      `stats pass ${name}: ${(b / 1e6).toFixed(1)} MB, ${r.dialogues} dialogues, ${r.s.toFixed(2)} s, ${r.mbps.toFixed(2)} MB/s of input, ${r.textMbps.toFixed(2)} MB/s of utterance text (MTLD ${r.mtld.toFixed(2)})`,
    );
  }
  console.log(`time 4x / 1x: ${(r4.s / r1.s).toFixed(2)} (4.00 = linear); peak RSS after 1x ${rss1.toFixed(0)} MB, after 4x ${rss4.toFixed(0)} MB (flat = streaming)`);
  const rs = await timePass(p4, b4, { sample: 1000, seed: 1 });
  console.log(`stats pass 4x with --sample 1000: ${rs.s.toFixed(2)} s, ${rs.mbps.toFixed(2)} MB/s of input`);

  // MTLD alone on one long text: the per-token cost must not grow with the length.
  const tokens = [];
  for (const l of lines) {
    const v = JSON.parse(l);
    for (const t of v.conversations ?? v.messages ?? []) tokens.push(...lexTokenize(String(t.value ?? t.content ?? '')));
    if (Array.isArray(v.data)) for (const s of v.data) tokens.push(...lexTokenize(s));
  }
  // The same text repeated k times: the vocabulary stays the same, so only the length grows.
  mtldTokens(tokens); // warm-up (JIT)
  for (const k of [1, 4, 16]) {
    const toks = [];
    for (let i = 0; i < k; i++) for (const t of tokens) toks.push(t);
    const t0 = process.hrtime.bigint();
    const m = mtldTokens(toks);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`MTLD on one text ${k}x: ${toks.length} tokens in ${(s * 1e3).toFixed(1)} ms = ${(toks.length / s / 1e6).toFixed(2)} M tokens/s (MTLD ${m.toFixed(2)})`);
  }
  // Per-utterance MTLD (what stats does): many short texts.
  const texts = lines.flatMap((l) => {
    const v = JSON.parse(l);
    return [...(v.conversations ?? v.messages ?? []).map((t) => String(t.value ?? t.content ?? '')), ...(Array.isArray(v.data) ? v.data : [])];
  });
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (const t of texts) {
    const toks = lexTokenize(t);
    n += toks.length;
    mtldTokens(toks);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`tokenize + MTLD per utterance: ${texts.length} utterances, ${n} tokens, ${(n / s / 1e6).toFixed(2)} M tokens/s`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
