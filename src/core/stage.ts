/**
 * The stage contract (after datatrove's PipelineStep): a stage takes an async stream of records
 * and yields records. A record it drops is yielded as a reject marker; the runner sends those to
 * the quarantine and counts them, so no stage writes its own bookkeeping.
 */
import type { RejectMarker } from './types.js';
import type { Report } from './report.js';

export interface StageContext {
  report: Report;
  /** Aborted on Ctrl-C: stages stop pulling and return. */
  signal?: AbortSignal;
}

export interface Stage<I, O> {
  readonly name: string;
  run(input: AsyncIterable<I>, ctx: StageContext): AsyncIterable<O | RejectMarker>;
}

/** A stage made of a per-record function: the common case for repairs and filters. */
export function mapStage<I, O>(
  name: string,
  fn: (rec: I, ctx: StageContext) => O | RejectMarker | null,
): Stage<I, O> {
  return {
    name,
    async *run(input, ctx) {
      for await (const rec of input) {
        const out = fn(rec, ctx);
        if (out !== null) yield out;
      }
    },
  };
}
