#!/usr/bin/env node
// Throughput of the built `sftforge generate` CLI against a loopback OpenAI-compatible server that
// answers every chat completion after a fixed latency (issue #16: requests/s >= 90% of C / L).
//
//   npx tsc -p . --outDir .build-gen
//   node scripts/bench-generate.mjs --sftforge .build-gen/cli/main.js [--latency 50,200]
//     [--concurrency 8,32,128] [--runs 3] [--seconds 10] [--rounds 4] [--reply-chars 1500]
//     [--no-baseline] [--keep DIR] [--node-arg=--cpu-prof --node-arg=--cpu-prof-dir=DIR]
//
// Per (latency L, concurrency C) it writes an openings file and a config whose world sector has
// exactly --rounds rounds (every dialogue sends 2R-1 requests; the opening is not requested), so
// `--count` = C x waves dialogues run in lock-step waves with no ragged tail; waves is chosen so
// the ideal run lasts about --seconds. Then it runs `generate --openings ... --concurrency C` --runs
// times and prints medians of:
//   req/s      requests / dialogue phase (server side: first request in -> last response out)
//   ideal      C / L;  ratio = req/s / ideal  (the target is >= 0.90)
//   ratio/wall requests / whole process wall (adds node start-up, reading openings, writing output)
//   wall, cpu  whole process (user+sys, /usr/bin/time), peak RSS of the process tree
//   srv cpu    the server's own CPU over the phase (to show it was not the bottleneck)
//   bare       a bare fetch loop of the same C against the same server for 3 s: the machine's
//              ceiling at that moment (what any client could get), unless --no-baseline
// and the load average before each row. Exit code 1 when a median ratio is under 0.90.
//
// The server runs in a child process (this script re-run with --serve): on 2 cores it then gets a
// core of its own, its CPU is not counted as sftforge's, and its event loop is not delayed by this
// process sampling /proc for RSS (a delayed reply would look like sftforge overhead). It binds
// 127.0.0.1 only; the CLI gets a dummy key (a loopback server needs none) and no key is printed.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const WORDS = (
  'amber basalt canyon delta ember fjord glacier harbor island jungle kelp lantern meadow nebula orbit prairie quartz ' +
  'river summit tundra upland valley willow xenon yarrow zephyr anchor beacon cactus dolphin fossil geyser hammock ' +
  'igloo jigsaw kernel lagoon magnet nectar oyster pebble quiver rocket sapphire tractor umbrella vortex wander'
).split(' ');

/** n words picked by the SHA-1 of `key`: distinct requests get distinct, deterministic texts. */
function words(key, n) {
  const out = [];
  let h = createHash('sha1').update(key).digest();
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % 20 === 0) h = createHash('sha1').update(h).digest();
    out.push(WORDS[h[i % 20] % WORDS.length]);
  }
  return out.join(' ');
}

// ---------------------------------------------------------------- the server (child process)
if (process.argv[2] === '--serve') {
  const replyChars = Number(process.argv[3]);
  const stats = { n: 0, first: 0, last: 0, inflight: 0, maxInflight: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      // Latency from the path: /L/<ms>/v1/chat/completions, so one server serves every row.
      const m = /^\/L\/(\d+)\/v1\/chat\/completions$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"error":{"message":"no route"}}');
      }
      const t = performance.now();
      if (stats.n === 0) stats.first = t;
      stats.n++;
      stats.maxInflight = Math.max(stats.maxInflight, ++stats.inflight);
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8'));
      const last = body.messages[body.messages.length - 1]?.content ?? '';
      const key = createHash('sha1').update(raw).digest('hex');
      // A user turn: a short casual question. An assistant turn: about --reply-chars of prose.
      const content = /suppose you are the user/i.test(last)
        ? `Interesting, could you tell me more about ${words(key, 6)}?`
        : `Here is what I know about ${words(key, 3)}. ${words(`${key}/a`, Math.max(1, Math.round(replyChars / 7)))}.`;
      const text = JSON.stringify({
        id: `chatcmpl-${key.slice(0, 12)}`,
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil(raw.length / 4) + Math.ceil(content.length / 4) },
      });
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        stats.inflight--;
        stats.last = performance.now();
      }, Number(m[1]));
    });
  });
  server.keepAliveTimeout = 60000;
  let cpu0 = process.cpuUsage();
  process.on('message', (msg) => {
    if (msg === 'reset') {
      Object.assign(stats, { n: 0, first: 0, last: 0, inflight: 0, maxInflight: 0 });
      cpu0 = process.cpuUsage();
    } else if (msg === 'stats') {
      const c = process.cpuUsage(cpu0);
      process.send({ ...stats, cpu: (c.user + c.system) / 1e6 });
    } else if (msg === 'exit') server.close(() => process.exit(0));
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
} else {
  await main();
}

// ---------------------------------------------------------------- the driver
async function main() {
  const { values: a } = parseArgs({
    options: {
      sftforge: { type: 'string', default: 'dist/cli/main.js' },
      latency: { type: 'string', default: '50,200' },
      concurrency: { type: 'string', default: '8,32,128' },
      runs: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '4' },
      'reply-chars': { type: 'string', default: '1500' },
      'no-baseline': { type: 'boolean', default: false },
      keep: { type: 'string' },
      'node-arg': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) {
    process.stdout.write(
      readFileSync(fileURLToPath(import.meta.url), 'utf8')
        .split('\nimport ')[0]
        .replace(/^#!.*\n/, ''),
    );
    return;
  }
  const { measure, median, loadavg } = await import('./peers/measure.mjs');
  const cli = resolve(a.sftforge);
  const latencies = a.latency.split(',').map(Number);
  const concurrencies = a.concurrency.split(',').map(Number);
  const runs = Number(a.runs);
  const rounds = Number(a.rounds);
  const perDialogue = 2 * rounds - 1;

  // World rounds fixed at --rounds: equal dialogues, so the end of a run has no ragged tail.
  const configText = readFileSync(fileURLToPath(new URL('../configs/ultrachat.yaml', import.meta.url)), 'utf8');
  const fixed = configText.replace(/(\n {2}world:\n {4}rounds: )\{ min: \d+, max: \d+ \}/, `$1{ min: ${rounds}, max: ${rounds} }`);
  if (fixed === configText) throw new Error('configs/ultrachat.yaml: world rounds line not found');

  const work = a.keep ? resolve(a.keep) : mkdtempSync(join(tmpdir(), 'sftforge-bench-gen-'));
  mkdirSync(work, { recursive: true });
  const configPath = join(work, 'bench.yaml');
  writeFileSync(configPath, fixed);

  const server = fork(fileURLToPath(import.meta.url), ['--serve', a['reply-chars']], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((res, rej) => {
    server.once('message', (m) => res(m.port));
    server.once('exit', (c) => rej(new Error(`server exited (${c})`)));
  });
  const ask = () =>
    new Promise((res) => {
      server.once('message', res);
      server.send('stats');
    });

  /** The machine's ceiling now: C bare fetch loops against the same server for `seconds`. */
  async function bare(base, c, seconds) {
    const body = JSON.stringify({ model: 'bare', messages: [{ role: 'user', content: 'hello' }], max_tokens: 16 });
    let n = 0;
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (performance.now() < end) {
          const r = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await r.json();
          n++;
        }
      }),
    );
    return n / ((performance.now() - t0) / 1000);
  }

  const rows = [];
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const head = ['L ms', 'C', 'count', 'requests', 'req/s', 'ideal', 'ratio', 'ratio/wall', 'wall s', 'cpu s', 'cpu ms/req', 'rss MiB', 'srv cpu s', 'bare ratio', 'load (1 5 15)'];
  console.log(`sftforge ${cli}; rounds ${rounds} (${perDialogue} requests a dialogue), ~${a.seconds} s a run, ${runs} runs, medians; reply ~${a['reply-chars']} chars`);
  console.log(head.join(' | '));
  let ok = true;
  try {
    for (const L of latencies) {
      for (const C of concurrencies) {
        const base = `http://127.0.0.1:${port}/L/${L}/v1`;
        const waves = Math.max(1, Math.round((Number(a.seconds) * 1000) / L / perDialogue));
        const count = C * waves;
        const ideal = C / (L / 1000);
        // Distinct openings (ids depend on index only; texts keep every request distinct).
        const openings = join(work, `openings-${count}.jsonl`);
        writeFileSync(openings, Array.from({ length: count }, (_, i) => `${JSON.stringify({ sector: 'world', text: `Question ${i}: what about ${words(`o${i}`, 8)}?`, meta: {} })}\n`).join(''));
        const load = loadavg();
        const res = [];
        for (let r = 0; r < runs; r++) {
          const dir = join(work, `L${L}-C${C}-r${r}`);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir);
          server.send('reset');
          const m = await measure(
            process.execPath,
            [
              ...a['node-arg'],
              cli,
              'generate',
              '--sector',
              'world',
              '--count',
              String(count),
              '-o',
              join(dir, 'out.jsonl'),
              '--openings',
              openings,
              '--config',
              configPath,
              '--base-url',
              base,
              '--user-model',
              'bench-user',
              '--assistant-model',
              'bench-assistant',
              '--concurrency',
              String(C),
              '--seed',
              '1',
              '--quiet',
            ],
            { env: { OPENAI_API_KEY: 'loopback-no-key' } },
          );
          const s = await ask();
          const written = readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').length - 1;
          if (written !== count || s.n !== count * perDialogue) throw new Error(`L=${L} C=${C}: ${written} dialogues, ${s.n} requests (want ${count}, ${count * perDialogue})`);
          const phase = (s.last - s.first) / 1000;
          res.push({ rate: s.n / phase, rateWall: s.n / m.wall, wall: m.wall, cpu: m.cpu, rss: m.treeRssMiB, srv: s.cpu, n: s.n });
          if (!a.keep) rmSync(dir, { recursive: true, force: true });
        }
        const bareRate = a['no-baseline'] ? Number.NaN : await bare(base, C, 3);
        const med = (k) => median(res.map((x) => x[k]));
        const row = {
          L,
          C,
          count,
          requests: res[0].n,
          rate: med('rate'),
          ideal,
          ratio: med('rate') / ideal,
          ratioWall: med('rateWall') / ideal,
          wall: med('wall'),
          cpu: med('cpu'),
          rss: med('rss'),
          srv: med('srv'),
          bare: bareRate / ideal,
          load,
        };
        rows.push(row);
        if (row.ratio < 0.9) ok = false;
        console.log(
          [
            L,
            C,
            count,
            row.requests,
            f(row.rate),
            f(ideal),
            f(row.ratio, 3),
            f(row.ratioWall, 3),
            f(row.wall, 2),
            f(row.cpu, 2),
            f((row.cpu * 1000) / row.requests, 3),
            f(row.rss, 0),
            f(row.srv, 2),
            f(row.bare, 3),
            load,
          ].join(' | '),
        );
      }
    }
  } finally {
    server.send('exit');
    if (!a.keep) rmSync(work, { recursive: true, force: true });
  }
  console.log(`load average now: ${loadavg()}; ${ok ? 'every ratio >= 0.90' : 'some ratio < 0.90'}`);
  process.exitCode = ok ? 0 : 1;
}
