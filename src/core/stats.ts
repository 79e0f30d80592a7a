/**
 * One stage's counters in one run. The runner fills `in`, `out` and `rejects`; the stage adds
 * repairs, named counters and bytes read. A writer's report sums the stats of every stage on
 * the path from the source to it, so that `records_in = records_out + sum(rejects)` holds per output.
 */
export interface StageStatsJson {
  stage: string;
  in: number;
  out: number;
  bytes_in: number;
  rejects: Record<string, number>;
  repairs: Record<string, number>;
  counters: Record<string, number>;
}

/** Rejects by reason, repairs by kind, named counters, bytes read: what a stage and a report both count. */
export class Counts {
  bytesIn = 0;
  readonly rejects = new Map<string, number>();
  readonly repairs = new Map<string, number>();
  readonly counters = new Map<string, number>();

  reject(reason: string, n = 1): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + n);
  }
  repair(kind: string, n = 1): void {
    this.repairs.set(kind, (this.repairs.get(kind) ?? 0) + n);
  }
  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }
  get rejected(): number {
    let n = 0;
    for (const v of this.rejects.values()) n += v;
    return n;
  }
  /** Adds another's rejects, repairs, counters and bytes. */
  addCounts(o: {
    bytesIn?: number;
    bytes_in?: number;
    rejects: Map<string, number> | Record<string, number>;
    repairs: Map<string, number> | Record<string, number>;
    counters: Map<string, number> | Record<string, number>;
  }): void {
    this.bytesIn += o.bytesIn ?? o.bytes_in ?? 0;
    const each = (m: Map<string, number> | Record<string, number>) => (m instanceof Map ? m.entries() : Object.entries(m));
    for (const [k, v] of each(o.rejects)) this.reject(k, v);
    for (const [k, v] of each(o.repairs)) this.repair(k, v);
    for (const [k, v] of each(o.counters)) this.count(k, v);
  }
}

export class StageStats extends Counts {
  in = 0;
  out = 0;
  /** Counters that are not sums (a fill rate): the last value wins when parts are combined. */
  readonly gauges = new Set<string>();

  constructor(readonly stage: string) {
    super();
  }
  /** A counter that is set, not added (ratios). */
  gauge(name: string, value: number): void {
    this.gauges.add(name);
    this.counters.set(name, value);
  }

  toJSON(): StageStatsJson {
    return {
      stage: this.stage,
      in: this.in,
      out: this.out,
      bytes_in: this.bytesIn,
      rejects: sortedObject(this.rejects),
      repairs: sortedObject(this.repairs),
      counters: sortedObject(this.counters),
    };
  }

  /** Adds another part's counts (a rank's, when merging). */
  add(o: StageStatsJson): void {
    this.in += o.in;
    this.out += o.out;
    this.addCounts(o);
  }
}

/** Keys sorted the same way in every report and stage count. */
export function sortedObject(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
