/** Writing the statistics: JSON and HTML, each atomically (temp file + rename). */
import { writeFileAtomic } from '../io/atomic.js';
import { renderHtmlReport } from './html.js';
import type { StatsResult } from './types.js';

export interface WriteStatsOptions {
  json?: string;
  html?: string;
}

/** The JSON form: stable key order (objects are built in a fixed order), two-space indent. */
export function statsToJson(result: StatsResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

export async function writeStats(result: StatsResult, out: WriteStatsOptions): Promise<void> {
  if (out.json) await writeFileAtomic(out.json, statsToJson(result));
  if (out.html) await writeFileAtomic(out.html, renderHtmlReport(result));
}
