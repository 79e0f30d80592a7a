/**
 * The one runner: threads the items through every stage of a built pipeline, counts per stage
 * what comes in, goes out and is rejected, feeds branches through bounded tees, writes each
 * writer's quarantine and report beside its output, and commits every output of the run as one
 * set (or none). Items are pulled one at a time from the end, so the run is deterministic.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Channel } from './channel.js';
import { OutputSet, committable, fileOutput } from './outputs.js';
import type { BuiltPipeline, Node, StageNode } from './pipeline.js';
import { startProgress, type Progress } from './progress.js';
import { Quarantine } from './quarantine.js';
import { Report, reportTable, type ReportJson } from './report.js';
import type { Item, StageContext } from './stage.js';
import { StageStats, type StageStatsJson } from './stats.js';
import { isReject, type RejectMarker } from './types.js';

export interface RunOptions {
  /** This process's rank and the number of ranks (default 0 of 1). */
  rank?: number;
  worldSize?: number;
  workers?: number;
  quiet?: boolean;
  signal?: AbortSignal;
  /** Run only the first `limit` main-line steps (a rank runs the part before the first global stage). */
  limit?: number;
  /** Skip the first `skip` main-line steps and take `source` instead (merge). */
  skip?: number;
  source?: AsyncIterable<Item>;
  /** Stats of the skipped steps, one entry per rank and node key (they are summed here). */
  priorStats?: StageStatsJson[];
  /** Receives what comes out of the end of the main line (a rank's part file). */
  sink?: (item: Item) => Promise<void>;
  /** Extra outputs committed with the run's (a rank's part). */
  extraOutputs?: (outputs: OutputSet) => Promise<void> | void;
  /** Label for progress and reports (default the pipeline's name). */
  label?: string;
}

export interface RunResult {
  name: string;
  /** Per stage, in step order. */
  stages: StageStatsJson[];
  /** Per writer: its output and the report written beside it. */
  outputs: { stage: string; path: string; report: ReportJson }[];
}

export async function runBuilt(p: BuiltPipeline, o: RunOptions = {}): Promise<RunResult> {
  const rank = o.rank ?? 0;
  const worldSize = o.worldSize ?? 1;
  const label = o.label ?? p.name;
  const ac = new AbortController();
  const onAbort = () => ac.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const outputs = new OutputSet();
  const workDir = await mkdtemp(join(tmpdir(), 'sftforge-'));
  const stats = new Map<string, StageStats>();
  // Stages that ran on the ranks: their parts' counts add up here.
  for (const s of o.priorStats ?? []) {
    const key = (s as StageStatsJson & { key: string }).key;
    if (!stats.has(key)) stats.set(key, new StageStats(s.stage));
    stats.get(key)!.add(s);
  }
  const live = new Report(label);
  let totalBytes = 0;
  let progress: Progress | undefined;
  const writers: { node: StageNode; lineage: string[] }[] = [];
  const branches: Promise<void>[] = [];
  const channels: Channel<Item>[] = [];
  const started = process.hrtime.bigint();
  const finalReports = new Map<string, ReportJson>();

  const ctxFor = (node: StageNode, st: StageStats): StageContext & { setTotalBytes(n: number): void } => ({
    rank,
    worldSize,
    mine: worldSize === 1 ? () => true : (n: number) => n % worldSize === rank,
    stats: st,
    signal: ac.signal,
    workDir,
    outputs,
    workers: o.workers ?? availableParallelism(),
    workersGiven: o.workers !== undefined,
    inputBytes: () => (totalBytes > 0 ? totalBytes : undefined),
    quiet: o.quiet ?? false,
    log: (line: string) => {
      if (!o.quiet) process.stderr.write(`${node.def.name}: ${line}\n`);
    },
    setTotalBytes: (n: number) => (totalBytes += n),
    finalReport: () => finalReports.get(node.key),
  });

  /** Counts records entering a stage. */
  async function* countIn(src: AsyncIterable<Item>, st: StageStats): AsyncGenerator<Item> {
    for await (const it of src) {
      if (ac.signal.aborted) return;
      if (!isReject(it)) st.in++;
      yield it;
    }
  }
  /** Counts records leaving a stage and the rejects it made (marked with `by`, so a reject is counted once). */
  async function* countOut(src: AsyncIterable<Item>, st: StageStats, node: StageNode, source: boolean): AsyncGenerator<Item> {
    for await (const it of src) {
      if (isReject(it)) {
        const m = it as RejectMarker & { by?: string };
        if (m.by === undefined) {
          m.by = node.def.name;
          st.reject(m.reason);
          live.reject(m.reason);
        }
      } else st.out++;
      if (source) {
        live.recordsIn++;
        live.bytesIn = st.bytesIn;
        progress ??= startProgress(live, { totalBytes, quiet: o.quiet, label });
        progress.tick();
      }
      yield it;
    }
  }
  /** Parses a reader's raw records for stages that do not take them raw. */
  async function* parse(src: AsyncIterable<Item>, node: StageNode, st: StageStats): AsyncGenerator<Item> {
    const fn = node.def.parse!;
    for await (const it of src) {
      if (isReject(it)) yield it;
      else yield* fn(it, st);
    }
  }
  /** Writes the rejects reaching a writer to its quarantine. */
  async function* quarantineTap(src: AsyncIterable<Item>, q: Quarantine): AsyncGenerator<Item> {
    for await (const it of src) {
      if (isReject(it)) await q.write(it);
      yield it;
    }
  }
  /** Copies every item into a branch (records cloned: a stage may change a record in place). */
  async function* tee(src: AsyncIterable<Item>, ch: Channel<Item>): AsyncGenerator<Item> {
    for await (const it of src) {
      await ch.push(isReject(it) ? it : structuredClone(it));
      yield it;
    }
    ch.close();
  }

  const chain = async (nodes: readonly Node[], input: AsyncIterable<Item>, lineage: string[], first: number, last: number): Promise<AsyncIterable<Item>> => {
    let stream = input;
    for (let i = first; i < last; i++) {
      const node = nodes[i]!;
      if (node.type === 'branch') {
        const ch = new Channel<Item>();
        channels.push(ch);
        const sub = await chain(node.steps, ch, [...lineage], 0, node.steps.length);
        branches.push(
          drain(sub).catch((e) => {
            ch.fail(e);
            ac.abort(e);
            throw e;
          }),
        );
        stream = tee(stream, ch);
        continue;
      }
      const st = new StageStats(node.def.name);
      stats.set(node.key, st);
      const ctx = ctxFor(node, st);
      let inStream = countIn(stream, st);
      if (node.output?.rejects) {
        const q = await new Quarantine(node.output.rejects).open();
        outputs.add(committable(q));
        inStream = quarantineTap(inStream, q);
      }
      let out: AsyncIterable<Item> = node.stage.run(node.def.scope === 'source' ? empty() : inStream, ctx);
      const next = nodes[i + 1];
      const nextTakesRaw = next?.type === 'stage' && next.def.raw === true && i + 1 < last;
      if (node.def.parse && !nextTakesRaw) out = parse(out, node, st);
      stream = countOut(out, st, node, node.def.scope === 'source');
      lineage.push(node.key);
      if (node.output) writers.push({ node, lineage: [...lineage] });
    }
    return stream;
  };

  try {
    const first = o.skip ?? 0;
    const lineage = p.steps.slice(0, first).map((n) => n.key);
    const main = await chain(p.steps, o.source ?? empty(), lineage, first, o.limit ?? p.steps.length);
    const sink = o.sink;
    const mainDone = (async () => {
      for await (const it of main) if (sink) await sink(it);
    })().catch((e) => {
      for (const ch of channels) ch.fail(e);
      ac.abort(e);
      throw e;
    });
    const settled = await Promise.allSettled([mainDone, ...branches]);
    const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
    if (o.signal?.aborted) throw new InterruptedError();
    progress?.stop();
    const reports = writers.map(({ node, lineage }) => ({
      node,
      report: writerReport(
        label,
        started,
        lineage.map((k) => stats.get(k)).filter((s): s is StageStats => s !== undefined),
      ),
    }));
    for (const { node, report } of reports) {
      finalReports.set(node.key, report);
      if (node.output?.report) outputs.add(reportFile(node.output.report, report));
    }
    await o.extraOutputs?.(outputs);
    await outputs.commitAll();
    const result: RunResult = {
      name: p.name,
      stages: [...stats.entries()].map(([key, s]) => ({ key, ...s.toJSON() })),
      outputs: reports.map(({ node, report }) => ({ stage: node.def.name, path: node.output!.path, report })),
    };
    if (!o.quiet) for (const { report } of reports.slice(-1)) process.stderr.write(reportTable(report) + '\n');
    return result;
  } catch (e) {
    progress?.stop();
    ac.abort(e);
    await outputs.abortAll();
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await rm(workDir, { recursive: true, force: true });
  }
}

export class InterruptedError extends Error {
  constructor() {
    super('interrupted; no output was written');
  }
}

async function drain(src: AsyncIterable<Item>): Promise<void> {
  for await (const _ of src);
}

async function* empty(): AsyncGenerator<Item> {}

/** A writer's report: everything counted on the path from the source to it. */
function writerReport(label: string, started: bigint, lineage: StageStats[]): ReportJson {
  const out = new Report(label, started);
  const src = lineage[0];
  if (src) out.recordsIn = src.out + src.rejected;
  out.recordsOut = lineage[lineage.length - 1]?.in ?? 0;
  for (const s of lineage) out.addCounts(s);
  out.finish();
  return out.toJSON();
}

function reportFile(path: string, report: ReportJson) {
  return fileOutput(path, () => JSON.stringify(report, null, 2) + '\n');
}
