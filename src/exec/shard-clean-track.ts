/**
 * Bookkeeping of a sharded `clean` rank, so that `merge` can redo exact and near dedup over all
 * ranks in global input order and land on exactly what one process would have written.
 *
 * For every record the rank owns, one line goes to the index (`*.index.jsonl`), in input order:
 *
 *   {"s": ordinal, "k": "o"|"r", "r": reason, "h": xxh64 hex, "id": id, "c": {counter: n}, "w0": weights, "nt": 1}
 *
 * `k` says whether the record went to the part (o) or the quarantine (r, with its reason `r`).
 * `h` and `id` are present when the record reached exact dedup (the hash of the cleaned
 * conversation). `c` holds the report counters the stages after dedup added for it (language
 * detected, unwanted turns masked): if merge finds it is a duplicate of a record on another
 * rank, one process would never have counted them. `w0` holds the turn weights it had at dedup
 * when a later stage changed them (unwanted-phrase masking): a duplicate's quarantine line shows
 * the record as dedup saw it. `nt`: kept, but no words to shingle (near dedup passes it).
 *
 * The pipeline pulls one record at a time, so each record's fate (part or quarantine) is
 * settled before the next enters: "the current record" is well defined, and checked.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { reject } from '../core/types.js';
import { Report } from '../core/report.js';
import { Quarantine } from '../core/quarantine.js';
import type { Stage } from '../core/stage.js';
import { conversationHash, ExactDeduper, hashHex } from '../dedup/exact.js';
import type { AtomicWriter, JsonlWriter } from '../io/atomic.js';

export interface IndexEntry {
  s: number;
  k: 'o' | 'r';
  r?: string;
  h?: string;
  id?: string;
  c?: Record<string, number>;
  w0?: number[] | null;
  nt?: 1;
}

interface Current {
  seq: number;
  sig?: Uint32Array;
  noText?: boolean;
  atDedup?: { h: string; id: string; weights: string };
  counters?: Record<string, number>;
}

/** The weights `toShareGpt` would write for these turns (null: none). */
export function weightsOf(c: Pick<Conversation, 'turns'>): number[] | null {
  return c.turns.some((t) => t.weight !== undefined && t.weight !== 1) ? c.turns.map((t) => t.weight ?? 1) : null;
}

export class RankTracker {
  private cur: Current | undefined;

  constructor(
    private readonly index: JsonlWriter,
    private readonly sigs: AtomicWriter | undefined,
  ) {}

  /** A record enters the pipeline. */
  begin(seq: number, sig?: Uint32Array, noText?: boolean): void {
    if (this.cur) throw new Error(`clean rank: record #${this.cur.seq} has no fate when #${seq} enters (a stage reordered records)`);
    this.cur = { seq, sig, noText };
  }

  /** The current record reaches exact dedup with this hash. */
  atDedup(conv: Conversation, h: bigint): void {
    this.need('dedup').atDedup = { h: hashHex(h), id: conv.id, weights: JSON.stringify(weightsOf(conv)) };
  }

  /** A report counter incremented while the current record is past dedup. */
  count(name: string, n: number): void {
    const c = this.cur;
    if (!c?.atDedup) return;
    c.counters ??= {};
    c.counters[name] = (c.counters[name] ?? 0) + n;
  }

  async kept(conv: Conversation): Promise<void> {
    const c = this.need('the part');
    await this.settle({ s: c.seq, k: 'o' }, conv);
    if (this.sigs) {
      const sig = c.sig ?? new Uint32Array(0);
      if (!c.noText && sig.length === 0) throw new Error(`clean rank: record #${c.seq} kept without a MinHash signature`);
      // No-text records have no signature; merge knows them by `nt` and reads nothing for them.
      if (!c.noText) await this.sigs.write(new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength));
    }
  }

  async rejected(r: RejectMarker): Promise<void> {
    const c = this.need('the quarantine');
    const rec = r.record as Conversation | undefined;
    await this.settle({ s: c.seq, k: 'r', r: r.reason }, rec && Array.isArray(rec.turns) ? rec : undefined);
  }

  private async settle(e: IndexEntry, final: Conversation | undefined): Promise<void> {
    const c = this.cur!;
    this.cur = undefined;
    if (c.atDedup) {
      e.h = c.atDedup.h;
      e.id = c.atDedup.id;
      if (c.counters) e.c = c.counters;
      if (final && JSON.stringify(weightsOf(final)) !== c.atDedup.weights) e.w0 = JSON.parse(c.atDedup.weights) as number[] | null;
    }
    if (e.k === 'o') {
      // Near dedup (in merge) names a kept record by id, dedup on or off.
      e.id ??= final?.id;
      if (c.noText) e.nt = 1;
    }
    await this.index.write(e);
  }

  private need(what: string): Current {
    if (!this.cur) throw new Error(`clean rank: a record reached ${what} without entering the pipeline`);
    return this.cur;
  }
}

/** Counters incremented after dedup are also attributed to the current record. */
export class TrackedReport extends Report {
  tracker: RankTracker | undefined;
  override count(name: string, n = 1): void {
    super.count(name, n);
    this.tracker?.count(name, n);
  }
}

export class TrackedQuarantine extends Quarantine {
  constructor(
    path: string,
    private readonly tracker: RankTracker,
  ) {
    super(path);
  }
  override async write(r: RejectMarker): Promise<void> {
    await this.tracker.rejected(r);
    await super.write(r);
  }
}

/**
 * Exact dedup within the rank, recording each record's hash: the same decisions and reject as
 * `exactDedup` (raw-identical copies are all on this rank), plus what merge needs to dedup across ranks.
 */
export function trackedExactDedup(tracker: RankTracker): Stage<Conversation, Conversation> {
  return {
    name: 'exact_dedup',
    async *run(input) {
      const seen = new ExactDeduper();
      for await (const conv of input) {
        const h = conversationHash(conv);
        tracker.atDedup(conv, h);
        const { firstOf } = seen.check(h, conv.id);
        if (firstOf === undefined) yield conv;
        else yield reject({ reason: 'duplicate', detail: duplicateDetail(firstOf, h), source: conv.source, id: conv.id, record: conv });
      }
    },
  };
}

/** The detail of a `duplicate` reject, as `dedupExact` words it. */
export function duplicateDetail(firstOf: string, h: bigint): string {
  return `duplicate of ${firstOf} (xxh64 ${hashHex(h)})`;
}
