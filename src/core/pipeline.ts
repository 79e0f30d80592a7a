/**
 * The pipeline runner: a source, a list of stages, a sink. Rejects yielded anywhere are counted
 * in the report and written to the quarantine in the order they occur, which is input order:
 * the chain is pulled by the sink one record at a time, so the run is deterministic.
 */
import type { Stage, StageContext } from './stage.js';
import type { RejectMarker } from './types.js';
import { isReject } from './types.js';
import type { Report } from './report.js';
import type { Quarantine } from './quarantine.js';

export interface PipelineSpec<T> {
  source: AsyncIterable<T | RejectMarker>;
  // Stages are typed per step by their builders; the runner only threads them.
  stages: readonly Stage<any, any>[];
  sink: (record: any) => Promise<void>;
  report: Report;
  quarantine?: Quarantine;
  signal?: AbortSignal;
  /** Called for every record entering (progress). */
  onRecord?: () => void;
}

export async function runPipeline<T>(spec: PipelineSpec<T>): Promise<void> {
  const { report, quarantine } = spec;
  const ctx: StageContext = { report, signal: spec.signal };
  const drop = async (r: RejectMarker) => {
    report.reject(r.reason);
    if (quarantine) await quarantine.write(r);
  };
  async function* counted(src: AsyncIterable<T | RejectMarker>): AsyncGenerator<T | RejectMarker> {
    for await (const x of src) {
      if (spec.signal?.aborted) return;
      report.recordsIn++;
      spec.onRecord?.();
      yield x;
    }
  }
  async function* clean<X>(src: AsyncIterable<X | RejectMarker>): AsyncGenerator<X> {
    for await (const x of src) {
      if (isReject(x)) await drop(x);
      else yield x as X;
    }
  }
  let stream: AsyncIterable<unknown> = clean(counted(spec.source));
  for (const stage of spec.stages) stream = clean(stage.run(stream, ctx));
  for await (const rec of stream) {
    await spec.sink(rec);
    report.recordsOut++;
  }
  report.finish();
}
