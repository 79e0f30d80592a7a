/**
 * Progress on stderr while generating: a bar (cli-progress) on a TTY, plain lines at an interval
 * otherwise. Shows dialogues done, turns/s, tokens/s, retries, rejects and spend.
 */
import cliProgress from 'cli-progress';
import type { Report } from '../core/report.js';
import type { Budget } from './budget.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface GenerateProgress {
  /** A new phase: `done` is polled, so nothing has to report each step. */
  phase(name: string, total: number, done: () => number): void;
  stop(): void;
}

export interface ProgressOptions {
  mode: ProgressMode;
  intervalMs: number;
  report: Report;
  budget: Budget;
  stream?: NodeJS.WriteStream;
}

const RETRY_COUNTERS = ['retry_429', 'retry_5xx', 'retry_timeout', 'retry_connection', 'retry_malformed'];

export function startGenerateProgress(o: ProgressOptions): GenerateProgress {
  const stream = o.stream ?? process.stderr;
  const mode = o.mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : o.mode;
  if (mode === 'none') return { phase() {}, stop() {} };
  const c = o.report.counters;
  let name = '';
  let total = 0;
  let doneFn = () => 0;
  let t0 = performance.now();
  let turns0 = 0;
  let tok0 = 0;
  const turns = () => (c.get('turns_user') ?? 0) + (c.get('turns_assistant') ?? 0) + (c.get('seed_requests') ?? 0);
  const tokens = () => o.budget.total.prompt_tokens + o.budget.total.completion_tokens;
  /** Rates are per phase: remember where this one starts. */
  const begin = (n: string, t: number, d: () => number) => {
    name = n;
    total = t;
    doneFn = d;
    t0 = performance.now();
    turns0 = turns();
    tok0 = tokens();
  };
  const fields = () => {
    const s = Math.max((performance.now() - t0) / 1000, 1e-3);
    return {
      phase: name,
      turnsps: ((turns() - turns0) / s).toFixed(1),
      tokps: Math.round((tokens() - tok0) / s),
      retries: RETRY_COUNTERS.reduce((n, k) => n + (c.get(k) ?? 0), 0),
      rejects: [...c.entries()].reduce((n, [k, v]) => (k.startsWith('rejected_') ? n + v : n), 0),
      spend: o.budget.cost.toFixed(4),
    };
  };
  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        format: '{phase} [{bar}] {value}/{total} | {turnsps} req/s | {tokps} tok/s | {retries} retries | {rejects} rejects | ${spend}',
        stream,
        hideCursor: true,
        fps: 4,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const timer = setInterval(() => started && bar.update(doneFn(), fields()), 250);
    timer.unref();
    return {
      phase(n, t, d) {
        if (started) {
          bar.update(doneFn(), fields());
          bar.stop();
        }
        begin(n, t, d);
        bar.start(Math.max(total, 1), doneFn(), fields());
        started = true;
      },
      stop() {
        clearInterval(timer);
        if (started) {
          bar.update(doneFn(), fields());
          bar.stop();
        }
      },
    };
  }
  const line = () => {
    const f = fields();
    stream.write(`generate ${f.phase}: ${doneFn()}/${total} | ${f.turnsps} req/s | ${f.tokps} tok/s | ${f.retries} retries | ${f.rejects} rejects | $${f.spend}\n`);
  };
  const timer = setInterval(line, o.intervalMs);
  timer.unref();
  return {
    phase(n, t, d) {
      if (name) line();
      begin(n, t, d);
    },
    stop() {
      clearInterval(timer);
      if (name) line();
    },
  };
}
