/**
 * The stage contract (after datatrove's PipelineStep): a stage takes an async stream of items and
 * yields items. An item is a record (a conversation, a tokenized row, ...) or a reject marker.
 * A stage that drops a record yields `reject({...})` in its place; a stage passes every reject
 * marker it receives on, in order, so that each writer downstream can put it in its quarantine.
 * The runner counts per stage what comes in and goes out and which rejects are new; stages keep
 * no bookkeeping of their own beyond `ctx.stats.repair/count`.
 */
import type { RejectMarker } from './types.js';
import { isReject } from './types.js';
import type { StageStats } from './stats.js';
import type { OutputSet } from './outputs.js';
import type { ReportJson } from './report.js';

/** A record or a reject marker. Records are plain objects (structured-clonable). */
export type Item = unknown;

export interface StageContext {
  /** 0-based rank of this process in a ranked job (0 when not ranked). */
  readonly rank: number;
  /** Number of ranks (1 when not ranked). */
  readonly worldSize: number;
  /** Whether the input record with this 0-based ordinal is this rank's: sources call it (the executor's one rule). */
  mine(ordinal: number): boolean;
  /** This stage's counters: repairs, named counters, bytes read. */
  readonly stats: StageStats;
  /** Aborted on Ctrl-C or when another part of the run failed: stop pulling and return. */
  readonly signal: AbortSignal;
  /** A private folder for spills; removed at the end of the run. */
  readonly workDir: string;
  /** Files and folders written under temporary names, committed together at the end of the run. */
  readonly outputs: OutputSet;
  /** Worker threads a CPU-heavy stage may use. */
  readonly workers: number;
  /** Whether the user chose `workers` (else it is the number of cores, and a stage may use fewer). */
  readonly workersGiven?: boolean;
  /** The input's size in bytes as its sources stated it; undefined when unknown (stdin, not stated yet). */
  inputBytes?(): number | undefined;
  readonly quiet: boolean;
  /** A line for the user on stderr (suppressed by quiet). */
  log(line: string): void;
  /** Sources: the input's total size, for the progress bar's percentage and ETA. */
  setTotalBytes?(bytes: number): void;
  /** Writers, once their input has ended (in a Committable's prepare): the report of their output. */
  finalReport?(): ReportJson | undefined;
}

export interface Stage {
  readonly name: string;
  run(input: AsyncIterable<Item>, ctx: StageContext): AsyncIterable<Item>;
}

/** What a per-record function may return: the record (changed or not), a reject, several records, or null (drop silently: never use it for data). */
export type MapResult<O> = O | RejectMarker | O[] | null;

/** A stage made of a per-record function: the common case for repairs and filters. Rejects pass through. */
export function mapStage<I, O>(name: string, fn: (rec: I, ctx: StageContext) => MapResult<O> | Promise<MapResult<O>>): Stage {
  return {
    name,
    async *run(input, ctx) {
      for await (const item of input) {
        if (isReject(item)) {
          yield item;
          continue;
        }
        const out = await fn(item as I, ctx);
        if (out === null) continue;
        if (Array.isArray(out)) yield* out;
        else yield out;
      }
    },
  };
}

/** Runs `fn` on every record and passes all items on unchanged (statistics, taps). */
export function tapStage<I>(name: string, fn: (rec: I, ctx: StageContext) => void | Promise<void>, end?: (ctx: StageContext) => void | Promise<void>): Stage {
  return {
    name,
    async *run(input, ctx) {
      for await (const item of input) {
        if (!isReject(item)) await fn(item as I, ctx);
        yield item;
      }
      await end?.(ctx);
    },
  };
}
