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

export class StageStats {
  in = 0;
  out = 0;
  bytesIn = 0;
  readonly rejects = new Map<string, number>();
  readonly repairs = new Map<string, number>();
  readonly counters = new Map<string, number>();
  /** Counters that are not sums (a fill rate): the last value wins when parts are combined. */
  readonly gauges = new Set<string>();

  constructor(readonly stage: string) {}

  reject(reason: string, n = 1): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + n);
  }
  repair(kind: string, n = 1): void {
    this.repairs.set(kind, (this.repairs.get(kind) ?? 0) + n);
  }
  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
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
    this.bytesIn += o.bytes_in;
    for (const [k, v] of Object.entries(o.rejects)) this.reject(k, v);
    for (const [k, v] of Object.entries(o.repairs)) this.repair(k, v);
    for (const [k, v] of Object.entries(o.counters)) this.count(k, v);
  }
}

export function sortedObject(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
