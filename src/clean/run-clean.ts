/**
 * `clean` as a function: read → parse/clean (worker threads) → dedup → filters → ShareGPT JSONL,
 * with the quarantine and the report beside the output. The CLI and the pipeline files call this.
 */
import { stat } from 'node:fs/promises';
import type { Conversation, InputFormat, RawRecord, RejectMarker } from '../core/types.js';
import { isReject } from '../core/types.js';
import { Report, type ReportJson } from '../core/report.js';
import { Quarantine } from '../core/quarantine.js';
import { runPipeline } from '../core/pipeline.js';
import { startProgress } from '../core/progress.js';
import type { Stage } from '../core/stage.js';
import { JsonlWriter, writeFileAtomic } from '../io/atomic.js';
import { expandInputs } from '../io/files.js';
import { readRaw } from '../io/read.js';
import { toShareGpt } from '../io/normalize.js';
import { orderedMap, defaultWorkers } from '../exec/pool.js';
import { cleanBatch, type CleanedItem } from './clean-batch.js';
import type { CleanOptions } from './clean-conversation.js';
import { buildFilterStages, type FilterOptions } from './filter-stages.js';

export interface RunCleanOptions extends FilterOptions {
  inputs: string[];
  output: string;
  /** Default: OUTPUT with `.jsonl` replaced by `.rejects.jsonl`. */
  rejects?: string;
  /** Default: OUTPUT with `.jsonl` replaced by `.report.json`. */
  report?: string;
  format?: InputFormat;
  workers?: number;
  clean?: CleanOptions;
  quiet?: boolean;
  signal?: AbortSignal;
}

export function sidecar(output: string, suffix: string): string {
  return output.replace(/\.jsonl?$/i, '') + suffix;
}

export async function runClean(o: RunCleanOptions): Promise<ReportJson> {
  const report = new Report('clean');
  const quarantine = await new Quarantine(o.rejects ?? sidecar(o.output, '.rejects.jsonl')).open();
  const writer = await new JsonlWriter(o.output).open();
  let totalBytes = 0;
  for (const f of await expandInputs(o.inputs)) totalBytes += (await stat(f)).size;
  const progress = startProgress(report, { totalBytes, quiet: o.quiet });
  try {
    const raw = readRaw(o.inputs, { format: o.format, onBytes: (n) => (report.bytesIn += n) });
    const cleaned = orderedMap<RawRecord | RejectMarker, CleanedItem>(
      raw,
      { workers: o.workers ?? defaultWorkers(), module: 'exec/clean-worker', name: 'clean', shared: o.clean ?? {} },
      (batch, shared) => cleanBatch(batch, shared as CleanOptions),
      (r) => (isReject(r) ? 64 : (r.text?.length ?? 1024)),
    );
    const source = unwrap(cleaned, report);
    const stages: Stage<Conversation, Conversation>[] = await buildFilterStages(o);
    await runPipeline<Conversation>({
      source,
      stages,
      report,
      quarantine,
      signal: o.signal,
      onRecord: () => progress.tick(),
      sink: (c: Conversation) => writer.write(toShareGpt(c)),
    });
    progress.stop();
    await writer.commit();
    await quarantine.commit();
  } catch (e) {
    progress.stop();
    await writer.abort();
    await quarantine.abort();
    throw e;
  }
  const json = report.toJSON();
  await writeFileAtomic(o.report ?? sidecar(o.output, '.report.json'), JSON.stringify(json, null, 2) + '\n');
  if (!o.quiet) process.stderr.write(report.toTable() + '\n');
  return json;
}

/** Count the workers' repairs in the report and pass records and rejects on. */
async function* unwrap(items: AsyncIterable<CleanedItem>, report: Report): AsyncGenerator<Conversation | RejectMarker> {
  for await (const it of items) {
    if (it.repairs) for (const r of it.repairs) report.repair(r);
    yield it.out;
  }
}
