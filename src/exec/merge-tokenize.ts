/**
 * `sftforge merge` for `tokenize`: the ranks' rows back in global input order (record k is rank
 * k mod N's next record; its row count comes from that rank's `rows.bin`), packed over the
 * whole dataset when the job asked for --pack (first-fit-decreasing needs only the lengths, so it
 * runs here exactly as in one process), written in the requested format with shards renumbered
 * `data-0000k-of-0000M.arrow`, and a manifest whose rows, shards, hashes and report are the
 * merged ones. The result is the folder one process writes, byte for byte.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Report, type ReportJson } from '../core/report.js';
import { SftforgeError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { openSink, writePacked, type TokenizeOptions } from '../format/run-tokenize.js';
import { PackSpill } from '../format/pack.js';
import { hfFeatures } from '../format/writers/features.js';
import { reportWithoutTimings, type TokenizedManifest } from '../format/writers/manifest.js';
import { openChatFeatures } from '../format/writers/parquet-openchat.js';
import { readArrowRows } from './arrow-rows.js';
import { LineSource, LineWriter } from './lines.js';
import { jobTimings, mergedTable } from './merge-clean.js';
import type { LoadedRank } from './merge.js';
import type { TokenizeJob } from './shard-tokenize.js';

export interface MergeTokenizeOptions {
  output: string;
  rejects?: string;
  report?: string;
  quiet?: boolean;
}

const DATA_FILE = /^data-\d{5}-of-\d{5}\.arrow$/;

/** Row counts per record, from a rank's rows.bin (4 bytes per record: small even for big jobs). */
async function rowCounts(path: string): Promise<Int32Array> {
  const b = await readFile(path);
  if (b.length % 4 !== 0) throw new SftforgeError(`${path}: ${b.length} bytes is not a whole number of int32 values`, 'rerun that rank');
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

export async function mergeTokenize(ranks: readonly LoadedRank[], o: MergeTokenizeOptions): Promise<{ manifest: TokenizedManifest; report: ReportJson }> {
  const job = ranks[0]!.marker.job as unknown as TokenizeJob;
  const n = ranks.length;
  const dir = resolve(o.output);
  const reports = await Promise.all(ranks.map((r) => r.readJson<ReportJson>('report')));
  const manifestFile = ranks[0]!.files('part').find((f) => basename(f) === 'sftforge.json');
  if (!manifestFile) throw new SftforgeError(`${ranks[0]!.markerPath}: rank 0's folder has no sftforge.json`, 'rerun rank 0');
  const base = JSON.parse(await readFile(manifestFile, 'utf8')) as TokenizedManifest;
  const report = new Report('tokenize');
  for (const r of reports) report.merge(r);
  report.bytesIn = reports[0]!.bytes_in;

  await mkdir(dir, { recursive: true });
  const columns = { lossWeights: job.lossWeights && job.format === 'hf', packed: job.pack };
  const sink = await openSink(job.format, dir, columns, { shardSize: job.shardSize } as TokenizeOptions, job.template);
  const spill = job.pack ? await new PackSpill(join(dir, `.pack-spill.tmp-${process.pid}`), true).open() : undefined;
  const quarantine = await new LineWriter(o.rejects ?? `${dir.replace(/[\\/]+$/, '')}.rejects.jsonl`).open();
  const counts = await Promise.all(ranks.map((r) => rowCounts(r.file('rows'))));
  const rows = ranks.map((r) => readArrowRows(r.files('part').filter((f) => DATA_FILE.test(basename(f)))));
  const rejects = ranks.map((r) => new LineSource(r.file('rejects')));
  try {
    const total = counts.reduce((a, c) => a + c.length, 0);
    for (let k = 0; k < total; k++) {
      const r = k % n;
      const c = counts[r]![Math.floor(k / n)];
      if (c === undefined) throw new SftforgeError(`rank ${r} formatted ${counts[r]!.length} records, too few for ${total} in all`, 'the ranks read different inputs: rerun every rank');
      if (c < 0) {
        await quarantine.write(await rejects[r]!.need('quarantined record'));
        continue;
      }
      for (let i = 0; i < c; i++) {
        const next = await rows[r]!.next();
        if (next.done) throw new SftforgeError(`rank ${r}: its shards hold fewer rows than its rows.bin lists`, 'rerun that rank');
        const row = next.value;
        if (spill) await spill.write(row.id, row.input_ids, row.labels, row.loss_weights);
        else await sink.write(row);
      }
    }
    for (const [r, it] of rows.entries()) {
      if (!(await it.next()).done || (await rejects[r]!.next()) !== undefined) throw new SftforgeError(`rank ${r}: more rows or rejects than its rows.bin lists`, 'rerun that rank');
    }
    if (spill) await writePacked(spill, sink, job.maxLen, report, columns.lossWeights || job.format === 'parquet-openchat');
    const done = await sink.finish();
    await quarantine.commit();
    report.finish();
    const json = jobTimings(report.toJSON(), reports);
    const manifest: TokenizedManifest = {
      ...base,
      format: job.format,
      pack: job.pack,
      loss_weights: job.lossWeights,
      rows: done.rows,
      shards: done.shards,
      features: job.format === 'hf' ? hfFeatures(columns) : openChatFeatures(),
      fingerprint: done.fingerprint,
      report: reportWithoutTimings(json),
    };
    await writeFileAtomic(join(dir, 'sftforge.json'), JSON.stringify(manifest, null, 2) + '\n');
    if (o.report) await writeFileAtomic(o.report, JSON.stringify(json, null, 2) + '\n');
    if (!o.quiet) process.stderr.write(mergedTable(report, json, n));
    return { manifest, report: json };
  } catch (e) {
    await sink.abort();
    await quarantine.abort();
    throw e;
  } finally {
    await spill?.close();
    for (const it of rows) await it.return(undefined);
    for (const q of rejects) await q.close();
  }
}
