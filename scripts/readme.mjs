#!/usr/bin/env node
// README output blocks, regenerated from real runs so that they cannot drift (issue #12).
//
//   node scripts/readme.mjs --write     run every marked block's commands and rewrite the blocks
//   node scripts/readme.mjs --check     run them and compare; exit 1 with a diff naming the block
//   options: --readme FILE (default README.md), --only TEXT (blocks whose commands contain TEXT;
//            with --write only those are rewritten), --keep (keep the sandbox), --verbose
//
// A block is a fenced code block right after the line `<!-- readme-run -->`; its commands are
// its lines that start with `$ ` (one or more), each followed by what it printed (stdout and
// stderr together, as a terminal shows them). Commands run in README order with `bash -c`, from
// a sandbox that mirrors the repository root (a symlink per top-level entry, except out/) so that
// they write to a fresh out/ and never touch the tree's: later commands see earlier ones' outputs,
// as a reader who follows the README does. The sandbox's path is fixed per checkout (see sandbox())
// and one run at a time uses it. The environment is CI-safe: no tokens or keys, the Hugging Face
// cache empty and offline, npm offline, no Slurm/Kubernetes rank variables, no colour. A command
// that exits non-zero gets a line `[exit status N]`; `$ ` lines must stay single-line commands.
//
// Volatile figures are masked, both when writing and when comparing: seconds, MB/s, peak RSS,
// records/s, tok/s, req/s, other durations, temporary paths and the sandbox's own path.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = /^<!--\s*readme-run\s*-->\s*$/;
const TIMEOUT_MS = 180_000;

function parseArgs(argv) {
  const o = { mode: undefined, readme: join(ROOT, 'README.md'), only: undefined, keep: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write' || a === '--check') o.mode = a.slice(2);
    else if (a === '--readme') o.readme = resolve(argv[++i]);
    else if (a === '--only') o.only = argv[++i];
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else usage(`unknown argument ${a}`);
  }
  if (!o.mode) usage('say --write or --check');
  return o;
}

function usage(msg) {
  console.error(`readme: ${msg}\nusage: node scripts/readme.mjs --write|--check [--readme FILE] [--only TEXT] [--keep] [--verbose]`);
  process.exit(2);
}

/** The marked blocks: where their fence opens and closes (line indexes) and their commands. */
export function findBlocks(lines, file) {
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (!MARKER.test(lines[i])) continue;
    const open = i + 1;
    const fence = /^(`{3,}|~{3,})/.exec(lines[open] ?? '');
    if (!fence) throw new Error(`${file}:${i + 1}: <!-- readme-run --> must be followed by a fenced code block`);
    let close = open + 1;
    while (close < lines.length && !lines[close].startsWith(fence[1])) close++;
    if (close >= lines.length) throw new Error(`${file}:${open + 1}: the code block is never closed`);
    const body = lines.slice(open + 1, close);
    const commands = body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
    if (commands.length === 0 || !body[0].startsWith('$ ')) throw new Error(`${file}:${open + 2}: a readme-run block starts with a \`$ command\` line`);
    blocks.push({ marker: i, open, close, body, commands });
    i = close;
  }
  return blocks;
}

// Masks: a figure that changes from run to run becomes `…` (right-aligned in its column).
const LABELLED = /^(\s*(?:seconds|MB\/s|peak RSS MB|records\/s|tokens\/s|tok\/s|elapsed)\s+)(\S+)$/;
const INLINE = [
  // "0.34 s", "1.2s", "12 ms", "3.1 MB/s", "540k tok/s", "75.3 req/s", "211 records/s"
  /\b\d+(?:\.\d+)?\s?(?:[kM]\s?)?(?:tok\/s|req\/s|records\/s|rows\/s|MB\/s|GB\/s|ms|s)\b/g,
  // JSON figures
  /("(?:seconds|mb_per_s|records_per_s|peak_rss_mb|elapsed_s|duration_ms)":\s*)\d+(?:\.\d+)?/g,
  // "peak RSS 204 MB"
  /(peak RSS:?\s*)\d+(?:\.\d+)?(\s*MB)/g,
];

export function mask(text, roots = []) {
  let t = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  for (const r of roots) if (r) t = t.split(`${r}/`).join('').split(r).join('.');
  t = t.replace(/(^|[\s'"(=:])\/tmp\/[^\s'")\]]+/g, '$1/tmp/…');
  return t
    .split('\n')
    .map((line) => {
      const m = LABELLED.exec(line);
      if (m) return `${m[1]}${' '.repeat(m[2].length - 1)}…`;
      let l = line;
      l = l.replace(INLINE[0], (s) => s.replace(/\d+(?:\.\d+)?/, '…'));
      l = l.replace(INLINE[1], '$1…');
      l = l.replace(INLINE[2], '$1…$2');
      return l.replace(/\s+$/, '');
    })
    .join('\n');
}

/** What two renderings must agree on: masked, and blind to the padding before a masked figure. */
function canonical(lines) {
  return mask(lines.join('\n'))
    .split('\n')
    .map((l) => l.replace(/\s+…/g, ' …'));
}

// The sandbox's path is the same on every run from this checkout: `npx sftforge` inside a project
// named sftforge links that project into npm's npx cache, keyed by its path, and runs its prepare
// script (the build, ~15 s: it rewrites the tree's dist/ through the symlink, as `npm run build`
// would) the first time only. A new path per run would pay that every time.
function sandbox() {
  const key = createHash('sha256').update(realpathSync(ROOT)).digest('hex').slice(0, 12);
  const dir = join(realpathSync(tmpdir()), `sftforge-readme-${key}`);
  const lock = `${dir}.lock`;
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const pid = Number(readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {}
    if (alive) throw new Error(`another readme run (pid ${pid}) is using ${dir}; wait for it or remove ${lock}`);
    writeFileSync(lock, String(process.pid));
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const e of readdirSync(ROOT)) {
    if (e === 'out' || e === '.git') continue;
    symlinkSync(join(ROOT, e), join(dir, e));
  }
  mkdirSync(join(dir, '.readme-home', 'hf'), { recursive: true });
  return { dir, release: () => rmSync(lock, { force: true }) };
}

function cleanEnv(dir) {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'NVM_DIR', 'npm_config_cache'];
  const env = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  Object.assign(env, {
    CI: '1',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
    TERM: 'dumb',
    NO_COLOR: '1',
    COLUMNS: '100',
    HF_HOME: join(dir, '.readme-home', 'hf'),
    HF_HUB_OFFLINE: '1',
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_loglevel: 'warn',
  });
  return env;
}

function run(cmd, dir, env) {
  const t0 = performance.now();
  // One stream for both, in the order they were written, as a terminal shows them.
  const r = spawnSync('bash', ['-c', `exec 2>&1\n${cmd}`], { cwd: dir, env, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  const seconds = (performance.now() - t0) / 1000;
  let out = (r.stdout ?? '').replace(/\r/g, '').replace(/\n+$/, '');
  if (r.error) out += `${out ? '\n' : ''}[readme: ${r.error.code === 'ETIMEDOUT' ? `timed out after ${TIMEOUT_MS / 1000} s` : r.error.message}]`;
  else if (r.status !== 0) out += `${out ? '\n' : ''}[exit status ${r.status ?? r.signal}]`;
  return { out, status: r.status, seconds };
}

/** Line diff (LCS), enough for blocks of a few hundred lines. */
function diff(a, b) {
  const n = a.length;
  const m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  // Only changed lines with two lines of context.
  const keep = new Set();
  out.forEach((l, k) => {
    if (l[0] !== ' ') for (let d = -2; d <= 2; d++) keep.add(k + d);
  });
  return out.filter((_, k) => keep.has(k)).join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const text = readFileSync(o.readme, 'utf8');
  const lines = text.split('\n');
  const rel = o.readme.startsWith(`${ROOT}/`) ? o.readme.slice(ROOT.length + 1) : o.readme;
  const blocks = findBlocks(lines, rel);
  const { dir, release } = sandbox();
  const env = cleanEnv(dir);
  const roots = [dir, ROOT, realpathSync(ROOT)];
  const t0 = performance.now();
  let failed = 0;
  const results = [];
  try {
    for (const [k, b] of blocks.entries()) {
      const selected = !o.only || b.commands.some((c) => c.includes(o.only));
      const rendered = [];
      for (const cmd of b.commands) {
        const r = run(cmd, dir, env);
        if (o.verbose || (o.mode === 'write' && r.status !== 0)) console.error(`readme: block ${k + 1} (${rel}:${b.open + 1}) ${r.seconds.toFixed(1)} s, exit ${r.status}: $ ${cmd}`);
        const out = mask(r.out, roots);
        if (out.split('\n').some((l) => l.startsWith('$ '))) throw new Error(`${rel}:${b.open + 1}: the output of \`${cmd}\` has a line starting with "$ ", which would read as a command`);
        rendered.push(`$ ${cmd}`, ...(out ? out.split('\n') : []));
      }
      results.push({ b, k, rendered, selected });
      if (o.mode === 'check' && selected) {
        const want = canonical(b.body);
        const got = canonical(rendered);
        if (want.join('\n') !== got.join('\n')) {
          failed++;
          console.error(`readme: block ${k + 1} at ${rel}:${b.open + 1} ($ ${b.commands[0]}) differs from a real run (- README, + now):`);
          console.error(diff(want, got));
          console.error('');
        }
      }
    }
  } finally {
    if (o.keep) console.error(`readme: sandbox kept at ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    release();
  }
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  if (o.mode === 'write') {
    const outLines = lines.slice();
    for (const { b, rendered, selected } of results.slice().reverse()) if (selected) outLines.splice(b.open + 1, b.close - b.open - 1, ...rendered);
    const next = outLines.join('\n');
    if (next !== text) writeFileSync(o.readme, next);
    console.error(`readme: ${results.filter((r) => r.selected).length} block(s) ${next !== text ? 'rewritten' : 'unchanged'} in ${seconds} s`);
    return;
  }
  if (failed > 0) {
    console.error(`readme: ${failed} of ${blocks.length} block(s) differ; run \`npm run readme\` (node scripts/readme.mjs --write) and review the diff`);
    process.exit(1);
  }
  console.error(`readme: ${blocks.length} block(s) match a real run (${seconds} s)`);
}

main().catch((e) => {
  console.error(`readme: ${e.message}`);
  process.exit(1);
});
