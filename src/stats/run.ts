/** What `sftforge stats` does once its arguments are parsed: compute, write, print the table. */
import { computeStats } from './compute.js';
import { renderTable } from './table.js';
import { writeStats } from './write.js';
import type { StatsOptions, StatsResult } from './types.js';

export interface RunStatsOptions extends StatsOptions {
  inputs: string[];
  json?: string;
  html?: string;
  /** Where the human table goes (default stdout). */
  print?: (text: string) => void;
}

export async function runStats(o: RunStatsOptions): Promise<StatsResult> {
  const { inputs, json, html, print, ...opts } = o;
  const result = await computeStats(inputs, opts);
  await writeStats(result, { json, html });
  (print ?? ((s: string) => process.stdout.write(s + '\n')))(renderTable(result));
  return result;
}
