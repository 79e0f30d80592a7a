#!/usr/bin/env node
/**
 * The benchmark suite: `npm run bench` (= node scripts/bench.mjs). Builds its inputs from
 * ../shared/data, runs every stage through the existing per-stage scripts (bench-clean.mjs,
 * bench-tokenize.mjs, bench-stats.mjs, bench-generate.mjs, whose printed figures it parses), a
 * sharded clean (ranks as separate processes, then merge), and prints one table: throughput,
 * peak RSS, and the ratio to the reference where there is one (FastChat's cleaner for clean,
 * bare `encodeBatch` for tokenize, concurrency ÷ latency for generate). Build first: npm run build.
 *
 *   node scripts/bench.mjs             # ~7 min: clean 100 MB (3 runs) and 1 GB (1 run), workers 1 and 2
 *   node scripts/bench.mjs --quick     # ~1-2 min smoke run: 20 MB, one run each
 *   node scripts/bench.mjs --sizes 4000 --workers 2 --runs 1 --only clean   # the 4 GB memory check (~10 min)
 *
 * Options: --runs N (clean medians; tokenize/stats take the best of N, as their scripts do),
 * --sizes MB,MB (clean input sizes), --workers 1,2, --only clean,shard,tokenize,stats,generate,fastchat,
 * --json FILE (results as JSON), --keep (keep bench-data/ inputs). Inputs go to bench-data/
 * (git-ignored) and are deleted at the end unless --keep. FastChat's clean_sharegpt.py runs when
 * FASTCHAT_CLEAN points at it and python3 has bs4 and markdownify; else the published 2.3 MB/s
 * (../shared/README.md, same sample) is the reference.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    sizes: { type: 'string' },
    workers: { type: 'string', default: '1,2' },
    only: { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const quick = a.quick;
const runs = Number(a.runs ?? (quick ? 1 : 3));
const sizes = (a.sizes ?? (quick ? '20' : '100,1000')).split(',').map(Number);
const workers = a.workers.split(',').map(Number);
const only = a.only ? new Set(a.only.split(',')) : undefined;
const want = (s) => !only || only.has(s);
const data = join(root, 'bench-data');
const FASTCHAT_REF = 2.3; // MB/s, ../shared/README.md: FastChat clean_sharegpt.py on the ShareGPT sample
// One-process clean output of the first (smallest) size, workers 1: the sharded run must equal it, tokenize reads it.
const firstClean = join(data, 'clean-first.jsonl');
const cli = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(2);
}
mkdirSync(data, { recursive: true });

// Peak RSS of a node child: a preloaded hook prints it at exit (stage scripts run in-process).
const RSS_HOOK = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\n@@rss "+(process.resourceUsage().maxRSS/1024).toFixed(1)+"\\n"))';

/** Runs `node [--import hook] script args`, echoing nothing; returns stdout, stderr, seconds, peak RSS. */
function run(args, { hook = true, env = {}, allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...(hook ? ['--import', RSS_HOOK] : []), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const rss = Number(/@@rss ([\d.]+)/.exec(err)?.[1] ?? NaN);
      if (code !== 0 && !allowFail) reject(new Error(`${args.join(' ')} exited ${code}:\n${err.slice(-2000)}`));
      else resolve({ out, err, seconds, rss, code });
    });
  });
}

const match = (re, text, what) => {
  const m = re.exec(text);
  if (!m) throw new Error(`bench: cannot find ${what} in:\n${text}`);
  return m;
};
const _median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const rows = [];
const notes = [];
const row = (r) => {
  rows.push(r);
  process.stderr.write(`  ${r.stage} ${r.input} ${r.workers ?? ''}: ${r.throughput} ${r.rss ? `rss ${r.rss} MB` : ''}\n`);
};

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  available: availableParallelism(),
  ram_gib: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
  load_start: loadavg()
    .map((x) => x.toFixed(2))
    .join(' '),
};
process.stderr.write(`bench: ${machine.cores} × ${machine.cpu}, ${machine.ram_gib} GiB, node ${machine.node}, load ${machine.load_start}\n`);

// --- clean: bench-clean.mjs per size (it builds the input from the ShareGPT sample) ---
async function clean() {
  const dir = join(data, 'clean');
  for (const mb of sizes) {
    const r = await run([join(root, 'scripts/bench-clean.mjs'), '--mb', String(mb), '--runs', String(mb >= 1000 ? 1 : runs), '--workers', workers.join(','), '--dir', dir, '--keep'], { hook: false });
    const size = Number(match(/\((\d+) MB\)/, r.out, 'input size')[1]);
    for (const m of r.out.matchAll(/^workers=(\d+): median ([\d.]+) MB\/s \(runs: ([^)]*)\), peak RSS median (\d+) MB \(max (\d+)\)/gm)) {
      const mbps = Number(m[2]);
      row({
        stage: 'clean',
        input: `${size} MB`,
        workers: Number(m[1]),
        throughput: `${mbps.toFixed(1)} MB/s`,
        value: mbps,
        runs: m[3],
        rss: Number(m[5]),
        ratio: `${(mbps / fastchatMbps).toFixed(1)}× FastChat`,
      });
    }
    const out = join(dir, `out_w${workers[0]}.jsonl`);
    if (mb === sizes[0] && existsSync(out)) copyFileSync(out, firstClean);
  }
}

// --- sharded clean: 2 ranks as processes (1 worker each) + merge, against one process ---
async function shard() {
  const mb = sizes[0];
  const input = join(data, 'clean', `sharegpt_${mb}mb.json`);
  if (!existsSync(input)) await run([join(root, 'scripts/bench-clean.mjs'), '--mb', String(mb), '--runs', '1', '--workers', '2', '--dir', join(data, 'clean'), '--keep'], { hook: false });
  const dir = join(data, 'shard');
  rmSync(dir, { recursive: true, force: true });
  const n = 2;
  const t0 = performance.now();
  const _ranks = await Promise.all(
    Array.from({ length: n }, (_, i) => run([cli, 'clean', input, '-o', join(dir, 'c.jsonl'), '--workers', '1', '--quiet', '--num-shards', String(n), '--shard-index', String(i)], { hook: false })),
  );
  const tRanks = (performance.now() - t0) / 1000;
  const merge = await run([
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/exec/merge.js')).href)}); await m.runMerge({ path: ${JSON.stringify(join(dir, 'c.jsonl'))}, quiet: true });`,
  ]);
  const total = tRanks + merge.seconds;
  const size = statSync(input).size / 1e6;
  const rankRss = Math.max(...[0, 1].map((i) => JSON.parse(readFileSync(join(dir, `c.rank-0000${i}-of-00002.report.json`), 'utf8')).peak_rss_mb));
  const same = existsSync(firstClean) ? (readFileSync(firstClean).equals(readFileSync(join(dir, 'c.jsonl'))) ? 'merged output identical to one process' : 'MERGED OUTPUT DIFFERS') : '';
  row({
    stage: 'clean sharded',
    input: `${size.toFixed(0)} MB`,
    workers: `${n} ranks × 1`,
    throughput: `${(size / total).toFixed(1)} MB/s`,
    value: size / total,
    rss: Math.max(rankRss, merge.rss),
    ratio: `${(size / total / fastchatMbps).toFixed(1)}× FastChat`,
    note: `ranks ${tRanks.toFixed(1)} s + merge ${merge.seconds.toFixed(1)} s; ${same}`,
  });
  // One rank alone (as on its own machine), of 2 and of 4: time = pass over all input + own share.
  const alone = [];
  for (const k of [2, 4]) {
    const r = await run([cli, 'clean', input, '-o', join(dir, `alone${k}`, 'c.jsonl'), '--workers', '1', '--quiet', '--num-shards', String(k), '--shard-index', '0'], { hook: false });
    alone.push({ k, s: r.seconds, rss: JSON.parse(readFileSync(join(dir, `alone${k}`, `c.rank-00000-of-0000${k}.report.json`), 'utf8')).peak_rss_mb });
  }
  const share = (alone[0].s - alone[1].s) * 4; // t(k) = pass + share / k
  const pass = alone[1].s - share / 4;
  const projected = (k) => size / (pass + share / k + merge.seconds);
  row({
    stage: 'clean, one rank alone',
    input: `${size.toFixed(0)} MB`,
    workers: '1 of 2 / 4',
    throughput: `${alone[0].s.toFixed(1)} s / ${alone[1].s.toFixed(1)} s`,
    value: alone[1].s,
    rss: Math.max(...alone.map((x) => x.rss)),
    ratio: '',
    note: `every rank reads all input: ${pass.toFixed(1)} s (${(size / pass).toFixed(0)} MB/s) + its share; projected on 8 one-core machines ≈ ${projected(8).toFixed(0)} MB/s, 32 ≈ ${projected(32).toFixed(0)} MB/s`,
  });
  rmSync(dir, { recursive: true, force: true });
}

// --- tokenize: bench-tokenize.mjs (bare encodeBatch vs the whole stage) ---
async function tokenize() {
  const repeat = quick ? 1 : 3;
  const r = await run([join(root, 'scripts/bench-tokenize.mjs'), '--tokenizer', 'qwen3', '--template', 'chatml', '--repeat', String(repeat), '--runs', String(runs), '--workers', workers.join(',')]);
  const conv = match(/input: (\d+) conversations/, r.out, 'conversation count')[1];
  const bare = match(/bare encodeBatch \((\w+)\): (\d+) tokens in [\d.]+ s = (\d+) tokens\/s/, r.out, 'bare line');
  row({
    stage: 'tokenize (bare encodeBatch)',
    input: `${conv} conv.`,
    workers: '-',
    throughput: `${(Number(bare[3]) / 1e6).toFixed(2)} M tok/s`,
    value: Number(bare[3]),
    rss: undefined,
    ratio: 'reference',
    note: `${bare[1]} backend, qwen3`,
  });
  for (const m of r.out.matchAll(/^stage --workers (\d+): (\d+) tokens in [\d.]+ s = (\d+) tokens\/s \((\d+)% of bare\)/gm)) {
    row({
      stage: 'tokenize',
      input: `${conv} conv.`,
      workers: Number(m[1]),
      throughput: `${(Number(m[3]) / 1e6).toFixed(2)} M tok/s`,
      value: Number(m[3]),
      rss: undefined,
      ratio: `${m[4]}% of bare`,
      note: 'chatml, max-len 2048, in-process (bench-tokenize.mjs)',
    });
  }
  // The CLI on clean's output (the main job's second step): throughput at size, and its own peak RSS.
  const cleaned = firstClean;
  if (!existsSync(cleaned)) return;
  const report = join(data, 'tokenize.report.json');
  await run([cli, 'tokenize', cleaned, '-o', join(data, 'tokenized'), '--tokenizer', 'qwen3', '--template', 'chatml', '--max-len', '2048', '--quiet', '--report', report], { hook: false });
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const tps = j.counters.tokens / j.seconds;
  row({
    stage: 'tokenize (CLI)',
    input: `${(j.bytes_in / 1e6).toFixed(0)} MB cleaned`,
    workers: 1,
    throughput: `${(tps / 1e6).toFixed(2)} M tok/s`,
    value: tps,
    rss: j.peak_rss_mb,
    ratio: `${Math.round((tps / Number(bare[3])) * 100)}% of bare`,
    note: `${j.records_in} conversations, ${(j.bytes_in / 1e6 / j.seconds).toFixed(1)} MB/s`,
  });
  rmSync(join(data, 'tokenized'), { recursive: true, force: true });
}

// --- stats: bench-stats.mjs (whole pass at 1x and 4x input) ---
async function stats() {
  const mb = quick ? 8 : 32;
  const r = await run([join(root, 'scripts/bench-stats.mjs'), '--mb', String(mb), '--repeats', String(runs)]);
  for (const m of r.out.matchAll(/^stats pass (\dx): ([\d.]+) MB, (\d+) dialogues, ([\d.]+) s, ([\d.]+) MB\/s of input/gm)) {
    row({
      stage: 'stats',
      input: `${Number(m[2]).toFixed(0)} MB`,
      workers: 1,
      throughput: `${Number(m[5]).toFixed(1)} MB/s`,
      value: Number(m[5]),
      rss: r.rss,
      ratio: '',
      note: `${m[3]} dialogues; RSS: the bench process (1x and 4x)`,
    });
  }
  const lin = /time 4x \/ 1x: ([\d.]+)/.exec(r.out);
  if (lin) notes.push(`stats: time 4x / 1x = ${lin[1]} (4.00 = linear)`);
}

// --- generate: bench-generate.mjs against the fake server ---
async function generate() {
  const count = quick ? 100 : 400;
  // It exits 1 when under its 90% target: still a figure to report.
  const r = await run([join(root, 'scripts/bench-generate.mjs'), '--count', String(count), '--concurrency', '32', '--latency', '100'], { allowFail: true });
  const turns = match(/turns\/s\s+([\d.]+)/, r.out, 'turns/s')[1];
  const ratio = match(/ratio\s+([\d.]+)%/, r.out, 'ratio')[1];
  const cpu = /client CPU\/request\s+([\d.]+) ms/.exec(r.out)?.[1];
  row({
    stage: 'generate (fake server)',
    input: `${count} dialogues`,
    workers: 'c=32',
    throughput: `${turns} turns/s`,
    value: Number(turns),
    rss: r.rss,
    ratio: `${ratio}% of c/latency`,
    note: `100 ms latency${cpu ? `; ${cpu} ms CPU/request` : ''}`,
  });
}

// --- FastChat's cleaner, when it can run here ---
let fastchatMbps = FASTCHAT_REF;
async function fastchat() {
  const script = process.env.FASTCHAT_CLEAN;
  let ok = false;
  try {
    execFileSync('python3', ['-c', 'import bs4, markdownify'], { stdio: 'ignore' });
    ok = true;
  } catch {
    notes.push(`FastChat: python3 without bs4/markdownify: not run; reference = ${FASTCHAT_REF} MB/s (../shared/README.md, same sample)`);
  }
  if (!ok) return;
  if (!script || !existsSync(script)) {
    notes.push(`FastChat: set FASTCHAT_CLEAN=/path/to/FastChat/fastchat/data/clean_sharegpt.py to measure it here; reference = ${FASTCHAT_REF} MB/s`);
    return;
  }
  const input = join(root, '..', 'shared', 'data', 'sharegpt_html_sample.json');
  const out = join(data, 'fastchat.json');
  const t0 = performance.now();
  execFileSync('python3', [script, '--in-file', input, '--out-file', out], { stdio: 'ignore' });
  fastchatMbps = statSync(input).size / 1e6 / ((performance.now() - t0) / 1000);
  row({
    stage: 'FastChat clean_sharegpt.py',
    input: `${(statSync(input).size / 1e6).toFixed(0)} MB`,
    workers: 1,
    throughput: `${fastchatMbps.toFixed(2)} MB/s`,
    value: fastchatMbps,
    ratio: 'reference',
    note: 'measured here',
  });
}

try {
  if (want('fastchat')) await fastchat();
  if (want('clean')) await clean();
  if (want('shard')) await shard();
  if (want('tokenize')) await tokenize();
  if (want('stats')) await stats();
  if (want('generate')) await generate();
} finally {
  if (!a.keep) rmSync(data, { recursive: true, force: true });
}
machine.load_end = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
notes.push('push: not benchmarked (the fake Hub is a test helper; the push is network-bound)');

const header = ['stage', 'input', 'workers', 'throughput', 'peak RSS', 'vs reference', 'notes'];
const cells = rows.map((r) => [
  r.stage,
  r.input,
  String(r.workers ?? ''),
  r.throughput,
  Number.isFinite(r.rss) ? `${Math.round(r.rss)} MB` : '',
  r.ratio ?? '',
  r.note ?? (r.runs ? `runs: ${r.runs}` : ''),
]);
const width = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (c) => '| ' + c.map((x, i) => x.padEnd(width[i])).join(' | ') + ' |';
console.log(`\n${machine.cores} × ${machine.cpu} (${machine.available} available), ${machine.ram_gib} GiB RAM, node ${machine.node}, ${machine.date}`);
console.log(`load average at start ${machine.load_start}, at end ${machine.load_end}; clean: median of ${runs} runs (1 run at ≥ 1 GB); tokenize/stats: best of ${runs}\n`);
console.log(line(header));
console.log('|' + width.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const c of cells) console.log(line(c));
for (const n of notes) console.log(`- ${n}`);
if (a.json) writeFileSync(a.json, JSON.stringify({ machine, runs, rows, notes }, null, 2) + '\n');
