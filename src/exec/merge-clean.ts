/**
 * `sftforge merge` for `clean`: the ranks' parts joined in global input order, with exact dedup
 * redone across ranks from the hashes in the indexes (first occurrence wins, as in one process)
 * and near dedup run once over every kept record's MinHash signature, in input order. The
 * output, the quarantine and the report's counts are those of a single-process run.
 *
 * Per record (index entry, in input order):
 * - reached exact dedup and its hash was seen earlier → `duplicate` naming the first occurrence,
 *   whatever the rank did with it (a record kept, or dropped by a later filter, on its rank may
 *   duplicate a record of another rank: the two became identical only when cleaned);
 * - kept, near dedup on → checked against every earlier kept record's signature;
 * - otherwise copied as the rank wrote it.
 */
import { Report, type ReportJson } from '../core/report.js';
import { SftforgeError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { sidecar } from '../clean/run-clean.js';
import { ExactDeduper } from '../dedup/exact.js';
import { NearDeduper } from '../dedup/near.js';
import { BinSource } from './bin-source.js';
import { kwayMerge } from './kway.js';
import { LineSource, LineWriter, readLines } from './lines.js';
import { duplicateDetail, type IndexEntry } from './shard-clean-track.js';
import type { CleanJob } from './shard-clean.js';
import type { LoadedRank } from './merge.js';

export interface MergeCleanOptions {
  output: string;
  rejects?: string;
  report?: string;
  quiet?: boolean;
}

interface RankFiles {
  part: LineSource;
  rejects: LineSource;
  sigs?: BinSource;
}

type Obj = Record<string, unknown>;

export async function mergeClean(ranks: readonly LoadedRank[], o: MergeCleanOptions): Promise<ReportJson> {
  const job = ranks[0]!.marker.job as unknown as CleanJob;
  const reports = await Promise.all(ranks.map((r) => r.readJson<ReportJson>('report')));
  const report = new Report('clean');
  for (const r of reports) {
    report.recordsIn += r.records_in;
    for (const [k, v] of Object.entries(r.repairs)) report.repair(k, v);
    for (const [k, v] of Object.entries(r.counters)) report.count(k, v);
  }
  // Every rank read every input: any one's byte count is the job's.
  report.bytesIn = reports[0]!.bytes_in;

  const exact = job.dedup ? new ExactDeduper() : undefined;
  const near = job.near ? new NearDeduper({ threshold: job.near.threshold, numPerm: job.near.numPerm, shingleSize: job.near.shingleSize, seed: job.near.seed }) : undefined;
  const sigBytes = job.near ? job.near.numPerm * 4 : 0;
  const files: RankFiles[] = [];
  const out = await new LineWriter(o.output).open();
  const quarantine = await new LineWriter(o.rejects ?? sidecar(o.output, '.rejects.jsonl')).open();
  const uncount = (c: Record<string, number> | undefined) => {
    for (const [k, v] of Object.entries(c ?? {})) report.count(k, -v);
  };
  const drop = async (reason: string, line: string) => {
    report.reject(reason);
    await quarantine.write(line);
  };
  try {
    for (const r of ranks) {
      files.push({ part: new LineSource(r.file('part')), rejects: new LineSource(r.file('rejects')), sigs: job.near ? await new BinSource(r.file('sigs'), sigBytes).open() : undefined });
    }
    const indexes = ranks.map((r) => entries(r.file('index')));
    for await (const { src, item: e } of kwayMerge(indexes, (x) => x.s)) {
      const f = files[src]!;
      const kept = e.k === 'o' ? await f.part.need('kept record') : undefined;
      const sig = kept !== undefined && f.sigs && !e.nt ? new Uint32Array((await f.sigs.next()).buffer) : undefined;
      const rejected = kept === undefined ? await f.rejects.need('rejected record') : undefined;
      const firstOf = exact && e.h !== undefined ? exact.check(BigInt(`0x${e.h}`), e.id!).firstOf : undefined;
      if (firstOf !== undefined) {
        const detail = duplicateDetail(firstOf, BigInt(`0x${e.h}`));
        if (kept !== undefined) {
          const rec = JSON.parse(kept) as Obj;
          await drop('duplicate', rejectLine('duplicate', detail, rec, e.w0));
        } else {
          const rj = JSON.parse(rejected!) as Obj;
          await drop('duplicate', e.r === 'duplicate' && rj.detail === detail ? rejected! : rejectLine('duplicate', detail, rj.record as Obj, e.w0, rj));
        }
        // One process would have stopped this record at dedup: what later stages counted goes.
        if (e.r !== 'duplicate') uncount(e.c);
        continue;
      }
      if (e.r === 'duplicate') throw new SftforgeError(`rank ${src} dropped record #${e.s} as a duplicate, but no earlier record has its hash ${e.h}`, 'the ranks ran with different inputs or options: rerun every rank');
      if (kept === undefined) {
        await drop(e.r!, rejected!);
        continue;
      }
      if (near && e.nt) report.count('near_dedup_no_text');
      else if (near && sig) {
        const hit = near.check(sig, e.id!);
        if (hit) {
          const detail = `near duplicate of ${hit.firstOf} (estimated Jaccard ${hit.similarity.toFixed(3)} ≥ ${job.near!.threshold})`;
          await drop('near_duplicate', rejectLine('near_duplicate', detail, JSON.parse(kept) as Obj));
          continue;
        }
      }
      await out.write(kept);
      report.recordsOut++;
    }
    for (const [i, f] of files.entries()) {
      if ((await f.part.next()) !== undefined || (await f.rejects.next()) !== undefined) {
        throw new SftforgeError(`rank ${i}: its part or quarantine has more lines than its index lists`, 'rerun that rank (delete its marker)');
      }
    }
    if (report.recordsIn !== report.recordsOut + report.rejected) throw new SftforgeError(`merged counts do not add up: ${report.recordsIn} in, ${report.recordsOut} out, ${report.rejected} rejected`);
    await out.commit();
    await quarantine.commit();
  } catch (e) {
    await out.abort();
    await quarantine.abort();
    throw e;
  } finally {
    for (const f of files) {
      await f.part.close();
      await f.rejects.close();
      await f.sigs?.close();
    }
  }
  report.finish();
  for (const [k, v] of [...report.counters]) if (v === 0) report.counters.delete(k);
  const json = jobTimings(report.toJSON(), reports);
  await writeFileAtomic(o.report ?? sidecar(o.output, '.report.json'), JSON.stringify(json, null, 2) + '\n');
  if (!o.quiet) process.stderr.write(mergedTable(report, json, ranks.length));
  return json;
}

async function* entries(path: string): AsyncGenerator<IndexEntry> {
  for await (const line of readLines(path)) yield JSON.parse(line) as IndexEntry;
}

/**
 * A quarantine line as `Quarantine.write` makes it ({reason, detail, source, id, record}), for a
 * record given in its ShareGPT output form. `w0`: the weights it had when dedup saw it.
 */
function rejectLine(reason: string, detail: string, record: Obj, w0?: number[] | null, was?: Obj): string {
  const rec = w0 === undefined ? record : withWeights(record, w0);
  return JSON.stringify({ reason, detail, source: was ? was.source : rec.source, id: was ? was.id : rec.id, record: rec });
}

/** The record with other weights, keys in `toShareGpt` order (weights sit before meta and source). */
function withWeights(rec: Obj, w: number[] | null): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'weights') continue;
    if ((k === 'meta' || k === 'source') && w && !('weights' in out)) out.weights = w;
    out[k] = v;
  }
  if (w && !('weights' in out)) out.weights = w;
  return out;
}

/** The merge's table (its own time and memory), then the job's figures. */
export function mergedTable(report: Report, job: ReportJson, ranks: number): string {
  const table = report.toTable().replace(/^(\w+):/, `$1 (merge of ${ranks} ranks):`);
  return `${table}\njob: ${job.seconds.toFixed(2)} s (slowest rank + merge), ${job.mb_per_s.toFixed(2)} MB/s, peak RSS ${job.peak_rss_mb.toFixed(0)} MB\n`;
}

/** The job's timing: the slowest rank plus this merge (ranks run side by side); memory: the largest. */
export function jobTimings(j: ReportJson, ranks: readonly ReportJson[]): ReportJson {
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
