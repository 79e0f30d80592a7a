/**
 * `sftforge merge` for `generate`: the ranks' dialogues in id order (sector, then index), as
 * one process writes them; the report is the sum of the ranks' (requests, tokens, rejections).
 */
import { Report, type ReportJson } from '../core/report.js';
import { SftforgeError } from '../core/errors.js';
import { SECTORS, type Sector } from './types.js';
import { kwayMerge } from '../exec/kway.js';
import { LineWriter, readLines } from '../exec/lines.js';
import type { LoadedRank } from '../exec/merge.js';

export interface MergeGenerateOptions {
  output: string;
  quiet?: boolean;
}

const ID = /^(assistance|creation|world)-\d+-(\d+)$/;

interface Line {
  key: number;
  text: string;
}

async function* keyed(path: string): AsyncGenerator<Line> {
  for await (const text of readLines(path)) {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    const m = typeof id === 'string' ? ID.exec(id) : null;
    if (!m) throw new SftforgeError(`${path}: a line without a generate id (${JSON.stringify(id)})`, 'merge only joins parts written by a sharded `sftforge generate`');
    yield { key: SECTORS.indexOf(m[1] as Sector) * 1e12 + Number(m[2]), text };
  }
}

export async function mergeGenerate(ranks: readonly LoadedRank[], o: MergeGenerateOptions): Promise<ReportJson> {
  const reports = await Promise.all(ranks.map((r) => r.readJson<ReportJson>('report')));
  const report = new Report('generate');
  for (const r of reports) report.merge(r);
  const out = await new LineWriter(o.output).open();
  try {
    let prev = -1;
    for await (const { item } of kwayMerge(
      ranks.map((r) => keyed(r.file('part'))),
      (l) => l.key,
    )) {
      if (item.key === prev) throw new SftforgeError(`two ranks wrote the same dialogue (key ${item.key})`, 'the ranks ran with different --num-shards: rerun the job');
      prev = item.key;
      await out.write(item.text);
    }
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  report.finish();
  const json = jobTimings(report.toJSON(), reports);
  if (!o.quiet) process.stderr.write(`generate (merged ${ranks.length} ranks): ${out.count} dialogues to ${o.output}\n`);
  return json;
}

/** The merged report's timings: the slowest rank plus the merge itself. */
function jobTimings(j: ReportJson, ranks: readonly ReportJson[]): ReportJson {
  const seconds = Math.max(...ranks.map((r) => r.seconds)) + j.seconds;
  const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    ...j,
    seconds: round(seconds, 3),
    mb_per_s: round(seconds > 0 ? j.bytes_in / 1e6 / seconds : 0, 2),
    records_per_s: round(seconds > 0 ? j.records_in / seconds : 0, 1),
    peak_rss_mb: Math.max(j.peak_rss_mb, ...ranks.map((r) => r.peak_rss_mb)),
  };
}
