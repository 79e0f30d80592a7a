/**
 * One rank of a sharded `clean` (`--num-shards N --shard-index I`, or Slurm / Kubernetes):
 * reads the whole input, cleans and filters the records it owns (shard-clean-batch.ts), dedups
 * them locally, and writes beside the output its part, quarantine, report, index and (with
 * near dedup) MinHash signatures, then its completion marker. Near dedup is not run here: it
 * needs every rank's records, and `sftforge merge` runs it over the signatures in input order.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Conversation, RejectMarker } from '../core/types.js';
import { isReject } from '../core/types.js';
import type { ReportJson } from '../core/report.js';
import { SftforgeError } from '../core/errors.js';
import { runPipeline } from '../core/pipeline.js';
import { startProgress } from '../core/progress.js';
import type { Stage } from '../core/stage.js';
import { AtomicWriter, JsonlWriter, writeFileAtomic } from '../io/atomic.js';
import { expandInputs } from '../io/files.js';
import { readRaw } from '../io/read.js';
import { toShareGpt } from '../io/normalize.js';
import { sidecar, type RunCleanOptions } from '../clean/run-clean.js';
import { buildFilterStages } from '../clean/filter-stages.js';
import { MINHASH_DEFAULTS } from '../dedup/minhash.js';
import { defaultWorkers, orderedMap } from './pool.js';
import { cleanShardBatch, type Numbered, type ShardCleaned, type ShardCleanShared } from './shard-clean-batch.js';
import { RankTracker, TrackedQuarantine, TrackedReport, trackedExactDedup } from './shard-clean-track.js';
import { completedRank, describeFiles, digestJson, inputsIdentity, markerPath, partPath, skipMessage, writeMarker } from './shard-files.js';
import { describeShard, type ShardSpec } from './shard.js';

/** What merge needs to know to finish a clean job. */
export interface CleanJob {
  dedup: boolean;
  near: { threshold: number; numPerm: number; shingleSize: number; seed: number } | null;
}

export interface CleanRankPaths {
  part: string;
  rejects: string;
  report: string;
  index: string;
  sigs: string;
  marker: string;
}

export function cleanRankPaths(o: Pick<RunCleanOptions, 'output' | 'rejects' | 'report'>, s: ShardSpec): CleanRankPaths {
  const part = partPath(o.output, s);
  return {
    part,
    rejects: o.rejects ? partPath(o.rejects, s) : sidecar(part, '.rejects.jsonl'),
    report: o.report ? partPath(o.report, s) : sidecar(part, '.report.json'),
    index: sidecar(part, '.index.jsonl'),
    sigs: sidecar(part, '.minhash.bin'),
    marker: markerPath(o.output, s),
  };
}

/** Everything that changes what a rank writes (not where, not how fast). */
async function cleanFingerprint(o: RunCleanOptions): Promise<string> {
  const { inputs, output: _o, rejects: _r, report: _p, workers: _w, quiet: _q, signal: _s, eldModel, ...rest } = o;
  return digestJson({ stage: 'clean', inputs: await inputsIdentity(inputs), options: { ...rest, eldModel: eldModel ?? null } });
}

export async function runCleanRank(o: RunCleanOptions, shard: ShardSpec): Promise<ReportJson> {
  const p = cleanRankPaths(o, shard);
  const fingerprint = await cleanFingerprint(o);
  const done = await completedRank(p.marker, fingerprint, 'clean', shard);
  if (done) {
    process.stderr.write(skipMessage('clean', shard, p.marker));
    return JSON.parse(await readFile(p.report, 'utf8')) as ReportJson;
  }
  const job: CleanJob = {
    dedup: o.dedup !== false,
    near: o.nearDedup !== undefined ? { threshold: o.nearDedup, ...MINHASH_DEFAULTS } : null,
  };
  // Validate the options (and fail) before reading anything; near dedup runs in merge.
  const stages: Stage<Conversation, Conversation>[] = await buildFilterStages({ ...o, nearDedup: undefined });
  if (job.near) await buildFilterStages({ nearDedup: job.near.threshold, dedup: false });

  const report = new TrackedReport('clean');
  const index = await new JsonlWriter(p.index).open();
  const sigs = job.near ? await new AtomicWriter(p.sigs).open() : undefined;
  const tracker = new RankTracker(index, sigs);
  report.tracker = tracker;
  const quarantine = await new TrackedQuarantine(p.rejects, tracker).open();
  const writer = await new JsonlWriter(p.part).open();
  const tracked = stages.map((s) => (s.name === 'exact_dedup' ? trackedExactDedup(tracker) : s));
  let totalBytes = 0;
  for (const f of await expandInputs(o.inputs)) totalBytes += (await stat(f)).size;
  const progress = startProgress(report, { totalBytes, quiet: o.quiet, label: `clean ${describeShard(shard)}` });
  const shared: ShardCleanShared = { clean: o.clean ?? {}, index: shard.index, count: shard.count, near: job.near ? { numPerm: job.near.numPerm, shingleSize: job.near.shingleSize, seed: job.near.seed } : undefined };
  try {
    const numbered = numberedRaw(readRaw(o.inputs, { format: o.format, onBytes: (n) => (report.bytesIn += n) }));
    const cleaned = orderedMap<Numbered, ShardCleaned>(
      numbered,
      { workers: o.workers ?? defaultWorkers(), module: 'exec/shard-clean-worker', name: 'cleanShard', shared },
      (batch, sh) => cleanShardBatch(batch, sh as ShardCleanShared),
      (n) => (isReject(n.raw) ? 64 : (n.raw.text?.length ?? 1024)),
    );
    await runPipeline<Conversation>({
      source: owned(cleaned, report, tracker),
      stages: tracked,
      report,
      quarantine,
      signal: o.signal,
      onRecord: () => progress.tick(),
      sink: async (c: Conversation) => {
        await tracker.kept(c);
        await writer.write(toShareGpt(c));
      },
    });
    progress.stop();
    if (o.signal?.aborted) throw new SftforgeError(`clean ${describeShard(shard)}: interrupted; this rank wrote nothing`, 'run the same command again');
    await writer.commit();
    await quarantine.commit();
    await index.commit();
    await sigs?.commit();
  } catch (e) {
    progress.stop();
    await Promise.all([writer.abort(), quarantine.abort(), index.abort(), sigs?.abort()]);
    throw e;
  }
  const json = report.toJSON();
  await writeFileAtomic(p.report, JSON.stringify(json, null, 2) + '\n');
  const files = [
    { role: 'part', path: p.part },
    { role: 'rejects', path: p.rejects },
    { role: 'report', path: p.report },
    { role: 'index', path: p.index },
    ...(job.near ? [{ role: 'sigs', path: p.sigs }] : []),
  ];
  await writeMarker(p.marker, { sftforge_rank: 1, stage: 'clean', output: o.output, index: shard.index, count: shard.count, fingerprint, files: await describeFiles(files, p.marker), job: { ...job } });
  if (!o.quiet) process.stderr.write(report.toTable() + `\nclean: ${describeShard(shard)} done; run \`sftforge merge ${o.output}\` once every rank is\n`);
  return json;
}

async function* numberedRaw<T extends Numbered['raw']>(src: AsyncIterable<T>): AsyncGenerator<Numbered> {
  let seq = 0;
  for await (const raw of src) yield { seq: seq++, raw };
}

/** The records this rank owns, announced to the tracker as they enter the pipeline. */
async function* owned(items: AsyncIterable<ShardCleaned>, report: TrackedReport, tracker: RankTracker): AsyncGenerator<Conversation | RejectMarker> {
  for await (const it of items) {
    if (it.skip) continue;
    if (it.item.repairs) for (const r of it.item.repairs) report.repair(r);
    tracker.begin(it.seq, it.sig, it.noText);
    yield it.item.out;
  }
}
