#!/usr/bin/env node
// Benchmark of `sftforge clean`: builds a large ShareGPT dump by repeating and mutating
// ../shared/data/sharegpt_html_sample.json (every copy gets a distinct first user turn, so dedup
// does not shrink the work), then runs the CLI with 1 and 2 workers and prints MB/s and peak RSS
// (the process's maxRSS, worker threads included). Medians over --runs runs.
// usage: node scripts/bench-clean.mjs [--mb 1000] [--runs 3] [--workers 1,2] [--keep]
import { createWriteStream, existsSync, readFileSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: a } = parseArgs({
  options: {
    mb: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1,2' },
    keep: { type: 'boolean', default: false },
    dir: { type: 'string', default: join(root, 'bench-data') },
  },
});
const targetBytes = Number(a.mb) * 1e6;
mkdirSync(a.dir, { recursive: true });
const input = join(a.dir, `sharegpt_${a.mb}mb.json`);

if (!existsSync(input) || statSync(input).size < targetBytes * 0.99) {
  const sample = JSON.parse(readFileSync(join(root, '..', 'shared', 'data', 'sharegpt_html_sample.json'), 'utf8'));
  const out = createWriteStream(input);
  let bytes = 0,
    copy = 0,
    first = true;
  const write = async (s) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('[\n');
  while (bytes < targetBytes) {
    for (const r of sample) {
      if (bytes >= targetBytes) break;
      const m = structuredClone(r);
      if (m && typeof m === 'object') {
        m.id = `${m.id ?? 'x'}_${copy}`;
        const t = Array.isArray(m.conversations) ? m.conversations.find((c) => c && c.from === 'human' && typeof c.value === 'string') : undefined;
        if (t) t.value = `[copy ${copy}] ${t.value}`;
      }
      await write((first ? '' : ',\n') + JSON.stringify(m));
      first = false;
    }
    copy++;
  }
  await write('\n]\n');
  out.end();
  await once(out, 'finish');
}
const size = statSync(input).size;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
console.log(`input: ${input} (${(size / 1e6).toFixed(0)} MB); machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
for (const w of a.workers.split(',').map(Number)) {
  const mbps = [],
    rss = [];
  for (let i = 0; i < Number(a.runs); i++) {
    const out = join(a.dir, `out_w${w}.jsonl`);
    execFileSync(join(root, 'dist', 'cli', 'main.js'), ['clean', input, '-o', out, '--workers', String(w), '--quiet'], { stdio: 'inherit' });
    const rep = JSON.parse(readFileSync(out.replace(/\.jsonl$/, '.report.json'), 'utf8'));
    mbps.push(rep.mb_per_s);
    rss.push(rep.peak_rss_mb);
  }
  console.log(
    `workers=${w}: median ${median(mbps).toFixed(1)} MB/s (runs: ${mbps.join(', ')}), peak RSS median ${median(rss).toFixed(0)} MB (max ${Math.max(...rss).toFixed(0)}); vs FastChat 2.3 MB/s: ${(median(mbps) / 2.3).toFixed(1)}x`,
  );
}
if (!a.keep) rmSync(a.dir, { recursive: true, force: true });
