/**
 * The executor: where a pipeline's ranks run, written once for every stage (datatrove's
 * `_run_for_rank`). One process runs the whole pipeline. Ranked (a Slurm array, a Kubernetes
 * Indexed Job, --num-shards/--shard-index), each rank takes every N-th input record
 * (`ctx.mine`), runs the steps up to the first stage that needs every record (dedup, packing,
 * statistics, mixing, writers: `scope: 'global'`), and writes what comes out — records and
 * rejects, each with its input ordinal — as a part beside the first writer's output, with its
 * stage counters and, last, a completion marker. `merge` checks every marker, joins the parts in
 * input order and runs the remaining steps: the result is byte for byte what one process writes.
 */
import { buildEnv } from '../core/registry.js';
import { createReadStream } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { SftforgeError, UsageError } from '../core/errors.js';
import { buildPipeline, walk, type BuiltPipeline, type PipelineSpec, type StepSpec } from '../core/pipeline.js';
import { runBuilt, type RunOptions, type RunResult } from '../core/runner.js';
import type { Item } from '../core/stage.js';
import type { StageStatsJson } from '../core/stats.js';
import { isReject, type SourcePos } from '../core/types.js';
import { LineWriter, removeStaleTemps, writeFileAtomic } from '../core/atomic.js';
import type { LoadedRank } from './merge.js';
import { describeShard, rankTag, type ShardSpec } from './shard.js';

export interface ExecOptions extends Omit<RunOptions, 'rank' | 'worldSize' | 'limit' | 'skip' | 'source' | 'priorStats' | 'sink'> {
  /** Run as this rank of a sharded job (see src/exec/shard.ts for how it is found). */
  shard?: ShardSpec;
  cwd?: string;
}

/** Builds and runs a pipeline: whole in this process, or as one rank of a job. */
export async function execute(spec: PipelineSpec, o: ExecOptions = {}): Promise<RunResult | undefined> {
  const built = await buildPipeline(spec, { cwd: o.cwd });
  return executeBuilt(built, o);
}

export async function executeBuilt(built: BuiltPipeline, o: ExecOptions = {}): Promise<RunResult | undefined> {
  // Temporary files that a killed earlier run left beside these outputs (their process is gone).
  // Removed while the run starts, not before it: their names (other pids) never meet ours.
  const paths: string[] = [];
  for (const n of walk(built.steps)) for (const p of [n.output?.path, n.output?.rejects, n.output?.report]) if (p) paths.push(p);
  const cleaning = removeStaleTemps(paths);
  try {
    if (!o.shard || o.shard.count === 1) return await runBuilt(built, o);
    return await runRank(built, o.shard, o);
  } finally {
    await cleaning;
  }
}

/** The main-line steps a rank runs: the source and the per-record stages after it. */
export function rankPrefix(built: BuiltPipeline): number {
  let n = 0;
  for (const node of built.steps) {
    if (node.type !== 'stage' || node.def.scope === 'global') break;
    n++;
  }
  return n;
}

/** The output whose folder holds the parts: the first writer in step order. */
function primaryOutput(built: BuiltPipeline): string {
  for (const n of walk(built.steps)) if (n.output) return n.output.path;
  throw new UsageError(`pipeline ${built.name} writes nothing`, 'a sharded run needs a writer (write_jsonl, write_hf, ...) whose folder receives the parts');
}

interface JobInfo {
  spec: PipelineSpec;
  cwd: string;
  prefix: number;
}

async function runRank(built: BuiltPipeline, shard: ShardSpec, o: ExecOptions): Promise<RunResult | undefined> {
  // Loaded here: a plain run needs no markers, hashing (node:crypto) or merging (start-up).
  const { completedRank, describeFiles, digestJson, markerPath, writeMarker } = await import('./shard-files.js');
  const prefix = rankPrefix(built);
  const primary = primaryOutput(built);
  const marker = markerPath(primary, shard);
  const job: JobInfo = { spec: built.spec, cwd: built.cwd, prefix };
  const inputs: unknown[] = [];
  for (const n of walk(built.steps)) if (n.def.identity) inputs.push(await n.def.identity(n.options, buildEnv(built.cwd, n.where)));
  const fingerprint = digestJson({ spec: built.spec, cwd: built.cwd, inputs });
  if (await completedRank(marker, fingerprint, 'pipeline', shard)) {
    // Said even when quiet: a resubmitted array must show why a task ended at once.
    process.stderr.write(`${built.name}: ${describeShard(shard)} already complete (${marker}); nothing to do\n`);
    return undefined;
  }
  const base = `${primary.replace(/[\\/]+$/, '').replace(/\.(jsonl|json)$/i, '')}.${rankTag(shard)}`;
  const partFile = `${base}.part.jsonl`;
  const statsFile = `${base}.stats.json`;
  const part = await new LineWriter(partFile).open();
  let result: RunResult | undefined;
  result = await runBuilt(built, {
    ...o,
    rank: shard.index,
    worldSize: shard.count,
    limit: prefix,
    sink: (it) => part.write(JSON.stringify(encodeItem(it), typedArrays)),
    extraOutputs: (outputs) => {
      outputs.add({ prepare: () => part.finish(), commit: () => part.publish(), abort: () => part.abort() });
    },
  });
  await writeFileAtomic(statsFile, JSON.stringify(result.stages) + '\n');
  const files = await describeFiles(
    [
      { role: 'part', path: partFile },
      { role: 'stats', path: statsFile },
    ],
    marker,
  );
  await writeMarker(marker, { sftforge_rank: 1, stage: 'pipeline', output: primary, index: shard.index, count: shard.count, fingerprint, files, job: job as unknown as Record<string, unknown> });
  if (!o.quiet) process.stderr.write(`${built.name}: ${describeShard(shard)} done: ${basename(partFile)} (merge with: sftforge merge ${dirname(primary)})\n`);
  return result;
}

export interface MergeOptions extends Omit<ExecOptions, 'shard'> {
  /** The folder holding the parts, or the first writer's output path the ranks were given. */
  path: string;
  /** Replaces the path of the first writer (its quarantine and report follow it unless set in the pipeline). */
  output?: string;
  /** Check every part's sha256 against its marker (default true). */
  verify?: boolean;
}

/** Joins the parts of a finished job and runs the steps after the ranks' part. */
export async function mergeJob(o: MergeOptions): Promise<RunResult> {
  const { loadJob } = await import('./merge.js');
  const { ranks } = await loadJob(o.path, o.verify ?? true);
  const job = ranks[0]!.marker.job as unknown as JobInfo;
  if (!job?.spec) throw new SftforgeError(`${o.path}: these parts come from an older sftforge`, 'rerun the ranks with this version, then merge');
  const spec = o.output ? retarget(job.spec, ranks[0]!.marker.output, resolve(o.output), job.cwd) : job.spec;
  const built = await buildPipeline(spec, { cwd: job.cwd });
  const prior = await rankStats(ranks, job.prefix);
  return runBuilt(built, { ...o, skip: job.prefix, source: joinParts(ranks.map((r) => r.file('part'))), priorStats: prior });
}

/** The spec with the first writer's path replaced (its default quarantine and report follow it). */
function retarget(spec: PipelineSpec, from: string, to: string, cwd: string): PipelineSpec {
  let done = false;
  const visit = (steps: StepSpec[]): StepSpec[] =>
    steps.map((s) => {
      if ('branch' in s) return { branch: visit(s.branch as StepSpec[]) };
      if (!done && typeof s.path === 'string' && resolve(cwd, s.path) === resolve(cwd, from)) {
        done = true;
        return { ...s, path: to };
      }
      return s;
    });
  const steps = visit(spec.steps);
  if (!done) throw new SftforgeError(`cannot find the writer of ${from} in the job's pipeline`, 'merge without -o to write where the ranks were told');
  return { ...spec, steps };
}

/** Every rank's counts of the steps it ran (the runner sums them per step). */
async function rankStats(ranks: LoadedRank[], prefix: number): Promise<StageStatsJson[]> {
  const all: StageStatsJson[] = [];
  for (const r of ranks) all.push(...(await r.readJson<(StageStatsJson & { key: string })[]>('stats')).filter((s) => !s.key.includes('.') && Number(s.key) < prefix));
  return all;
}

// A part line: [seq, 0, record] or [seq, 1, reject]. Typed arrays travel as {$ta, d}.
function encodeItem(it: Item): unknown {
  const src = (it as { source?: SourcePos }).source;
  if (!src || typeof src.seq !== 'number')
    throw new SftforgeError('a record reached the end of a rank without its input ordinal', 'this is a bug in a stage that makes new records: it must keep `source` from its input record');
  return [src.seq, isReject(it) ? 1 : 0, it];
}

function typedArrays(_k: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? { $ta: v.constructor.name, d: Array.from(v as unknown as ArrayLike<number>) } : v;
}

const TYPED = /^(Int8|Uint8|Int16|Uint16|Int32|Uint32|Float32|Float64)Array$/;

/** Reads the parts back and yields their items in input order (a k-way merge by ordinal). */
async function* joinParts(files: string[]): AsyncGenerator<Item> {
  const its = files.map((f) => lines(f)[Symbol.asyncIterator]());
  const heads: (unknown[] | undefined)[] = await Promise.all(its.map(async (i) => (await i.next()).value as unknown[] | undefined));
  for (;;) {
    let best = -1;
    for (let k = 0; k < heads.length; k++) {
      const h = heads[k];
      if (h && (best < 0 || (h[0] as number) < (heads[best]![0] as number))) best = k;
    }
    if (best < 0) return;
    const seq = heads[best]![0];
    // Every item of one input record comes from the same rank, in that rank's order.
    while (heads[best] && heads[best]![0] === seq) {
      yield heads[best]![2];
      heads[best] = (await its[best]!.next()).value as unknown[] | undefined;
    }
  }
}

async function* lines(file: string): AsyncGenerator<unknown[]> {
  // readline only when parts are joined (start-up of a plain run).
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl)
    if (line) yield JSON.parse(line, (_k, v) => (v && typeof v === 'object' && typeof v.$ta === 'string' && TYPED.test(v.$ta) ? new (globalThis as any)[v.$ta](v.d) : v)) as unknown[];
}
