/**
 * Progress on stderr: a bar (cli-progress) while a TTY is attached, plain lines every few
 * seconds otherwise (logs, CI), so long runs show life without flooding a log file.
 */
import { createRequire } from 'node:module';

// Loaded only when a bar is drawn: a quiet or piped run does not pay for it at start-up.
const load = () => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
import type { Report } from './report.js';

export interface Progress {
  tick(): void;
  stop(): void;
}

export function startProgress(report: Report, opts: { totalBytes?: number; quiet?: boolean; label?: string } = {}): Progress {
  if (opts.quiet) return { tick() {}, stop() {} };
  const label = opts.label ?? report.stage;
  const fields = () => {
    const s = Math.max(report.seconds, 1e-3);
    return {
      rps: Math.round(report.recordsIn / s),
      mbps: (report.bytesIn / 1e6 / s).toFixed(1),
      rejects: report.rejected,
      records: report.recordsIn,
    };
  };
  if (process.stderr.isTTY) {
    const bar = new (load().SingleBar)(
      {
        format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {records} records | {rps} rec/s | {mbps} MB/s | {rejects} rejects`,
        stream: process.stderr,
        hideCursor: true,
        fps: 5,
      },
      load().Presets.shades_classic,
    );
    bar.start(opts.totalBytes || 1, 0, fields());
    let last = 0;
    return {
      tick() {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        bar.update(Math.min(report.bytesIn, opts.totalBytes || 1), fields());
      },
      stop() {
        bar.update(opts.totalBytes || 1, fields());
        bar.stop();
      },
    };
  }
  let last = Date.now();
  return {
    tick() {
      const now = Date.now();
      if (now - last < 5000) return;
      last = now;
      const f = fields();
      process.stderr.write(`${label}: ${f.records} records, ${f.rps} rec/s, ${f.mbps} MB/s, ${f.rejects} rejects\n`);
    },
    stop() {},
  };
}
