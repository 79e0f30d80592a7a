/**
 * Crash safety of the real CLI: spawn `generate`, SIGKILL it during the openings and again during
 * the dialogues, start it again with the same command, and check that the result is exactly the
 * requested dialogues, byte-identical to an uninterrupted run, and that no request whose result
 * was journaled before a kill was sent again after it. Also: Ctrl-C exits cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/generate/journal.js';
import { formatRecord } from '../../src/generate/output.js';
import { buildGenerate, ROOT } from './build.js';
import { startFakeServer, tmp, type FakeServer } from './fake-openai.js';

let dist: string;
let server: FakeServer;

beforeAll(async () => {
  dist = buildGenerate();
  server = await startFakeServer({ latencyMs: 15 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

function start(out: string): { child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const args = [
    join(ROOT, 'test/generate/run-generate.mjs'),
    'generate',
    '--sector',
    'world,creation',
    '--count',
    '24',
    '-o',
    out,
    '--base-url',
    server.url,
    '--user-model',
    'sim-user',
    '--assistant-model',
    'sim-assistant',
    '--concurrency',
    '4',
    '--seed',
    '5',
    '--progress',
    'lines',
  ];
  const child = spawn(process.execPath, args, { env: { ...process.env, SFTFORGE_GENERATE_DIST: dist }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exit };
}

const journalOf = (out: string) => out.replace(/\.jsonl$/, '.journal.jsonl');
const countIn = (out: string, t: string) => {
  const f = journalOf(out);
  return existsSync(f) ? (readFileSync(f, 'utf8').match(new RegExp(`"t":"${t}"`, 'g')) ?? []).length : 0;
};
const entries = (out: string): JournalEntry[] =>
  readFileSync(journalOf(out), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalEntry);
const paidRqs = (out: string) => new Set(entries(out).flatMap((e) => ('rq' in e ? [e.rq] : [])));

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 3));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('generate survives SIGKILL and Ctrl-C', () => {
  let reference: Buffer;

  beforeAll(async () => {
    const out = join(tmp(), 'ref.jsonl');
    const { exit } = start(out);
    const r = await exit;
    expect(r.code, r.stderr).toBe(0);
    reference = readFileSync(out);
  }, 120_000);

  it('killed during the openings and during the dialogues, ends with exactly the same 24 dialogues and re-sends nothing', async () => {
    const out = join(tmp(), 'out.jsonl');

    // 1. Kill while the openings are being built.
    let run = start(out);
    await until(() => countIn(out, 'seed') >= 5, 'seed lists in the journal');
    run.child.kill('SIGKILL');
    expect((await run.exit).signal).toBe('SIGKILL');
    await settle();
    expect(countIn(out, 'done')).toBe(0);
    const paid1 = paidRqs(out);
    const log1 = server.log.length;

    // 2. Same command; kill once some, not all, dialogues are done.
    run = start(out);
    await until(() => countIn(out, 'done') >= 6, 'finished dialogues in the journal');
    run.child.kill('SIGKILL');
    await run.exit;
    await settle();
    const done2 = entries(out).filter((e): e is Extract<JournalEntry, { t: 'done' }> => e.t === 'done');
    expect(done2.length).toBeGreaterThanOrEqual(6);
    expect(done2.length).toBeLessThan(24);
    const paid2 = paidRqs(out);
    const log2 = server.log.length;
    expect(server.log.slice(log1, log2).filter((l) => paid1.has(l.rq))).toEqual([]);

    // 3. Same command, to the end.
    run = start(out);
    const r = await run.exit;
    expect(r.code, r.stderr).toBe(0);
    expect(server.log.slice(log2).filter((l) => paid2.has(l.rq))).toEqual([]);

    const text = readFileSync(out, 'utf8');
    const recs = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(recs).toHaveLength(24);
    expect(new Set(recs.map((x) => x.id)).size).toBe(24);
    expect(readFileSync(out)).toEqual(reference);
    // Dialogues finished before the second kill are in the output unchanged.
    for (const d of done2) expect(text).toContain(JSON.stringify(formatRecord(d.rec, 'ultrachat')) + '\n');
    // No temp file left by the killed runs.
    expect(readdirSync(join(out, '..')).filter((n) => n.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it('Ctrl-C finishes the requests in flight, journals them, exits 130, and the same command completes', async () => {
    const out = join(tmp(), 'out.jsonl');
    const from = server.log.length;
    let run = start(out);
    await until(() => countIn(out, 'done') >= 4, 'finished dialogues');
    run.child.kill('SIGINT');
    const r = await run.exit;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/rerun the same command to continue/);
    expect(readFileSync(journalOf(out), 'utf8').endsWith('\n')).toBe(true);
    expect(existsSync(out)).toBe(false);
    // Every request the server answered for that run was journaled: nothing paid was lost.
    const paid = paidRqs(out);
    expect(server.log.slice(from).filter((l) => !paid.has(l.rq))).toEqual([]);
    run = start(out);
    const r2 = await run.exit;
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(out)).toEqual(reference);
  }, 120_000);
});
