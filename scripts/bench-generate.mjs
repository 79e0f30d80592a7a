#!/usr/bin/env node
// Throughput of `generate` against the fake OpenAI server (src/generate/fake-server.ts) with a
// fixed latency per request. The server runs in a child process so that the CPU figures are the
// client's alone. Target: turns/s of the dialogue phase ≥ 90% of concurrency ÷ latency.
//
//   npx tsc -p . && node scripts/bench-generate.mjs [--count 1000] [--concurrency 32] [--latency 100] [--no-sync]
//
// Prints: dialogue-phase requests, seconds, turns/s, the ideal and the ratio, the steady-state
// rate (without the tail, when fewer than C dialogues remain), a bare fetch loop's rate against the
// same server (the machine's ceiling at that moment), client CPU per request (process.cpuUsage,
// user+system), and the journal's fsync setting. Exit code 1 when the ratio is under 90%.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    latency: { type: 'string', default: '100' },
    'no-sync': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(a.count);
const concurrency = Number(a.concurrency);
const latency = Number(a.latency);

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const gen = await import(pathToFileURL(join(dist, 'generate/index.js')).href);
const { Report } = await import(pathToFileURL(join(dist, 'core/report.js')).href);

// The fake server, in its own process.
const serverCode = `
  const { startFakeServer } = await import(${JSON.stringify(pathToFileURL(join(dist, 'generate/fake-server.js')).href)});
  const s = await startFakeServer({ latencyMs: ${latency} });
  process.stdout.write(s.url + '\\n');
  process.on('SIGTERM', async () => { await s.close(); process.exit(0); });
`;
const child = spawn(process.execPath, ['--input-type=module', '-e', serverCode], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    if (buf.includes('\n')) resolve(buf.trim());
  });
  child.on('exit', (c) => reject(new Error(`fake server exited (${c})`)));
});

// The ceiling this machine allows right now: a bare fetch loop, same concurrency, same server.
async function rawCeiling(seconds) {
  const body = JSON.stringify({ model: 'raw', messages: [{ role: 'user', content: 'hello' }], max_tokens: 16 });
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const r = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await r.json();
        n++;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}
const ceiling = await rawCeiling(3);

const cfg = gen.loadGenerateConfig();
// Few openings requests: the benchmark is about the dialogue phase.
cfg.sectors.world.subtopics_per_topic = 5;
cfg.sectors.world.questions_per_subtopic = 10;

const dir = mkdtempSync(join(tmpdir(), 'sftforge-bench-gen-'));
const common = {
  sectors: ['world'],
  count,
  format: 'ultrachat',
  seed: 1,
  concurrency,
  config: cfg,
  baseUrl: url,
  userModel: 'bench-user',
  assistantModel: 'bench-assistant',
  progress: 'none',
  journalSync: !a['no-sync'],
};
try {
  // Openings first (not timed), then the dialogues alone.
  const op = await gen.runGenerate({ ...common, out: join(dir, 'warm.jsonl'), openingsOnly: true });
  // Steady state: sample the live request counter each second.
  const samples = [];
  const report = new Report('generate');
  const cpu0 = process.cpuUsage();
  const p = gen.runGenerate({ ...common, out: join(dir, 'out.jsonl'), openings: op.paths.openings, report });
  const t0 = performance.now();
  const sampler = setInterval(() => samples.push([(performance.now() - t0) / 1000, report.counters.get('requests_sent') ?? 0]), 1000);
  const r = await p;
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  if (r.status !== 'complete') throw new Error(`run ended ${r.status}`);
  const recs = readFileSync(r.paths.out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const requests = recs.reduce((n, x) => n + x.meta.usage.requests, 0);
  const turnsPerS = requests / r.dialogueSeconds;
  const ideal = concurrency / (latency / 1000);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(`dialogues            ${recs.length} (world, rounds 3-7)`);
  console.log(`requests (turns)     ${requests}`);
  console.log(`seconds              ${r.dialogueSeconds.toFixed(2)}`);
  console.log(`turns/s              ${turnsPerS.toFixed(1)}`);
  console.log(`ideal (C / latency)  ${ideal.toFixed(1)}   (concurrency ${concurrency}, latency ${latency} ms)`);
  console.log(`ratio                ${((turnsPerS / ideal) * 100).toFixed(1)}%   (target >= 90%)`);
  // Middle of the run: from the 2nd second to 2 s before the end (no ramp-up, no tail).
  const mid = samples.filter(([t]) => t >= 2 && t <= r.dialogueSeconds - 2);
  if (mid.length >= 2) {
    const [ta, na] = mid[0];
    const [tb, nb] = mid[mid.length - 1];
    console.log(`steady turns/s       ${((nb - na) / (tb - ta)).toFixed(1)}   (${(((nb - na) / (tb - ta) / ideal) * 100).toFixed(1)}% of ideal, ${ta.toFixed(0)}-${tb.toFixed(0)} s)`);
  }
  console.log(`bare fetch loop      ${ceiling.toFixed(1)} req/s   (${((ceiling / ideal) * 100).toFixed(1)}% of ideal: this machine's ceiling now)`);
  console.log(`client CPU/request   ${(cpuMs / requests).toFixed(3)} ms   (user ${(cpu.user / 1000 / requests).toFixed(3)}, system ${(cpu.system / 1000 / requests).toFixed(3)})`);
  console.log(`client CPU share     ${((cpuMs / 1000 / r.dialogueSeconds) * 100).toFixed(1)}% of one core`);
  console.log(`journal fsync        ${common.journalSync ? 'on (group commit)' : 'off'}`);
  process.exitCode = turnsPerS >= 0.9 * ideal ? 0 : 1;
} finally {
  child.kill('SIGTERM');
  if (!a.keep) rmSync(dir, { recursive: true, force: true });
}
