#!/usr/bin/env node
// Summarises V8 CPU profiles (`node --cpu-prof`, one .cpuprofile per thread): the top N functions
// by self time and the self time per module (an npm package, a dist/ file, node's internals, GC).
// Several files (or a folder of them) are added together; `--per-file` also prints each alone.
// usage: node scripts/cpuprofile-summary.mjs [--top 15] [--per-file] FILE_OR_DIR...
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' }, 'per-file': { type: 'boolean', default: false } } });
const top = Number(a.top);

/** The module a frame belongs to: package name, dist/ or src/ path, node internals, or a V8 pseudo-frame. */
export function moduleOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const d = url.search(/\/(dist|src|scripts)\//);
  return d >= 0 ? url.slice(d + 1).replace(/^file:\/\//, '') : url.replace(/^file:\/\//, '');
}

/** Self time (ms) per node id of one profile. */
function selfTimes(p) {
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  return self;
}

function summarise(files) {
  const byFn = new Map();
  const byMod = new Map();
  let total = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8'));
    const self = selfTimes(p);
    for (const n of p.nodes) {
      const ms = self.get(n.id) ?? 0;
      if (!ms) continue;
      const { functionName, url, lineNumber } = n.callFrame;
      const fn = functionName || '(anonymous)';
      const mod = moduleOf(url, fn);
      const key = `${fn} ${url ? `${mod}:${lineNumber + 1}` : ''}`.trim();
      byFn.set(key, (byFn.get(key) ?? 0) + ms);
      byMod.set(mod, (byMod.get(mod) ?? 0) + ms);
      total += ms;
    }
  }
  return { total, byFn, byMod };
}

function print(title, s) {
  const pct = (ms) => `${((ms / s.total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n## ${title}: ${(s.total / 1000).toFixed(2)} s of samples (idle included)`);
  console.log(`top ${top} functions by self time:`);
  for (const [k, ms] of [...s.byFn].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  console.log(`top ${top} modules by self time:`);
  for (const [k, ms] of [...s.byMod].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
}

const files = [];
for (const p of positionals) {
  if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) f.endsWith('.cpuprofile') && files.push(join(p, f));
  else files.push(p);
}
if (!files.length) {
  console.error('usage: node scripts/cpuprofile-summary.mjs [--top 15] [--per-file] FILE_OR_DIR...');
  process.exit(2);
}
if (a['per-file']) for (const f of files) print(basename(f), summarise([f]));
print(files.length > 1 ? `all ${files.length} profiles (threads) together` : basename(files[0]), summarise(files));
