#!/usr/bin/env node
// What each import costs at start-up: every runtime dependency of sftforge, every CLI subcommand
// module and a few heavy internal modules, each imported alone in a fresh `node` (median of
// --runs): wall ms of the import, CPU ms, RSS growth. A module's figure includes everything it
// imports, so the subcommand rows overlap; the baseline is an empty node process.
// usage: node scripts/peers/import-costs.mjs [--root SFTFORGE_ROOT] [--runs 3] [--extra dist/x.js,...]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: a } = parseArgs({ options: { root: { type: 'string', default: resolve(here, '..', '..') }, runs: { type: 'string', default: '3' }, extra: { type: 'string', default: '' } } });
const root = resolve(a.root);
const deps = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies ?? {});
const cmds = readdirSync(join(root, 'dist', 'cli', 'commands'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => `dist/cli/commands/${f}`);
const internal = ['dist/cli/program.js', 'dist/clean/run-clean.js', 'dist/filter/language.js', 'dist/format/run-tokenize.js', 'dist/stats/mtld.js', ...a.extra.split(',').filter(Boolean)];

const probe = `
const t0 = performance.now(); const c0 = process.cpuUsage(); const r0 = process.memoryUsage().rss;
const spec = process.argv[1];
if (spec) await import(spec);
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, rss: (process.memoryUsage().rss - r0) / 2 ** 20 }));
process.exit(0);`;

function one(spec) {
  const xs = [];
  for (let i = 0; i < Number(a.runs); i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe, spec], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    xs.push(JSON.parse(out.trim().split('\n').pop()));
  }
  const med = (k) => xs.map((x) => x[k]).sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  return { ms: med('ms'), cpu: med('cpu'), rss: med('rss') };
}

// Bare package names resolve from the root's node_modules through a file URL of a module there.
const specOf = (m) => (m.startsWith('dist/') ? pathToFileURL(join(root, m)).href : import.meta.resolve ? m : m);
const rows = [];
const t = Date.now();
for (const m of [...deps, ...cmds, ...internal]) {
  try {
    rows.push({ module: m, ...one(m.startsWith('dist/') ? specOf(m) : resolveDep(m)) });
  } catch (e) {
    rows.push({ module: m, error: String(e.message).split('\n')[0] });
  }
}
rows.sort((x, y) => (y.ms ?? -1) - (x.ms ?? -1));
console.log(`import costs, ${root}, median of ${a.runs} fresh processes each (${((Date.now() - t) / 1000).toFixed(0)} s):`);
console.log('| module | import wall ms | CPU ms | RSS + MiB |\n|---|---|---|---|');
for (const r of rows) console.log(r.error ? `| ${r.module} | error: ${r.error} | | |` : `| ${r.module} | ${r.ms.toFixed(0)} | ${r.cpu.toFixed(0)} | ${r.rss.toFixed(1)} |`);

function resolveDep(name) {
  // Resolve as sftforge's own code would (ESM conditions), from a file inside the root.
  const url = import.meta.resolve(name, pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
  return url;
}
