/**
 * The run report: every record in, out, repaired or rejected is counted here, per reason, so
 * that `in = out + sum(rejects)` can be checked by anyone reading it.
 */

import { Counts, sortedObject } from './stats.js';

export interface ReportJson {
  stage: string;
  records_in: number;
  records_out: number;
  rejects: Record<string, number>;
  repairs: Record<string, number>;
  counters: Record<string, number>;
  bytes_in: number;
  seconds: number;
  mb_per_s: number;
  records_per_s: number;
  /** Peak resident memory of the whole process (worker threads included), MB. */
  peak_rss_mb: number;
}

export class Report extends Counts {
  recordsIn = 0;
  recordsOut = 0;
  private ended: bigint | undefined;

  /** `started`: when the run began (a writer's report covers the whole run, not its own life). */
  constructor(
    readonly stage: string,
    readonly started: bigint = process.hrtime.bigint(),
  ) {
    super();
  }
  finish(): void {
    this.ended ??= process.hrtime.bigint();
  }
  get seconds(): number {
    const end = this.ended ?? process.hrtime.bigint();
    return Number(end - this.started) / 1e9;
  }

  /** Deterministic part first; timings last (they are the only fields that vary between runs). */
  toJSON(): ReportJson {
    const s = this.seconds;
    return {
      stage: this.stage,
      records_in: this.recordsIn,
      records_out: this.recordsOut,
      rejects: sortedObject(this.rejects),
      repairs: sortedObject(this.repairs),
      counters: sortedObject(this.counters),
      bytes_in: this.bytesIn,
      seconds: round(s, 3),
      mb_per_s: round(s > 0 ? this.bytesIn / 1e6 / s : 0, 2),
      records_per_s: round(s > 0 ? this.recordsIn / s : 0, 1),
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    };
  }

  /** The short table printed on stderr at the end of a run. */
  toTable(): string {
    return reportTable(this.toJSON());
  }

  /** Adds another report's counts (a worker's, or a rank's when merging). */
  merge(o: ReportJson): void {
    this.recordsIn += o.records_in;
    this.recordsOut += o.records_out;
    this.addCounts(o);
  }
}

/** The short table printed on stderr at the end of a run. */
export function reportTable(j: ReportJson): string {
  const rows: [string, string][] = [
    ['records in', String(j.records_in)],
    ['records out', String(j.records_out)],
  ];
  for (const [k, v] of Object.entries(j.repairs)) rows.push([`repair ${k}`, String(v)]);
  for (const [k, v] of Object.entries(j.rejects)) rows.push([`reject ${k}`, String(v)]);
  for (const [k, v] of Object.entries(j.counters)) rows.push([k, String(v)]);
  rows.push(['MB in', (j.bytes_in / 1e6).toFixed(2)], ['seconds', j.seconds.toFixed(2)], ['MB/s', j.mb_per_s.toFixed(2)], ['peak RSS MB', j.peak_rss_mb.toFixed(0)]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return [`${j.stage}:`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v.padStart(10)}`)].join('\n');
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
