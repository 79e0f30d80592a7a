/**
 * `sftforge merge` for `stats`: adds up the ranks' accumulators (shard-stats.ts says which
 * figures are exact) and writes the JSON (and HTML) one `sftforge stats` run writes, then prints
 * its table. Groups are rebuilt as one pass would: the first --max-groups values by first
 * appearance in the whole input are named, the others fold into "(other)", and "(none)" holds
 * the dialogues without the field.
 */
import { TextAccumulator } from '../stats/accumulate.js';
import { NONE, OTHER } from '../stats/groups.js';
import { PAPER_TABLE4 } from '../stats/paper.js';
import { renderTable } from '../stats/table.js';
import { writeStats } from '../stats/write.js';
import type { GroupStats, StatsResult } from '../stats/types.js';
import type { LoadedRank } from './merge.js';
import type { StatsPart } from './shard-stats.js';

export interface MergeStatsOptions {
  json: string;
  html?: string;
  quiet?: boolean;
  /** Where the table goes (default stdout, as `stats` prints it). */
  print?: (text: string) => void;
}

function add(into: TextAccumulator | undefined, x: TextAccumulator): TextAccumulator {
  if (!into) return x;
  into.mergeFrom(x);
  return into;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const place = (k: string) => (k === NONE ? 1 : k === OTHER ? 2 : 0);

/** One grouping key over all ranks; `approximate` when a rank had folded values into "(other)". */
async function mergeGrouping(parts: readonly StatsPart[], gi: number): Promise<{ groups: GroupStats[]; approximate: boolean } | undefined> {
  const o = parts[0]!.options;
  const cap = { distinctExactCap: o.groupDistinctExactCap };
  if (!parts.some((p) => p.groupings[gi]!.seen)) return undefined;
  let none: TextAccumulator | undefined;
  let other: TextAccumulator | undefined;
  let approximate = false;
  const named = new Map<string, { first: number; acc: TextAccumulator }>();
  for (const p of parts) {
    const g = p.groupings[gi]!;
    if (!g.seen) {
      // No dialogue of this rank had the field: all of them are "(none)".
      if (p.dataset.dialogues > 0) none = add(none, TextAccumulator.fromState(p.dataset, cap));
      continue;
    }
    for (const grp of g.groups) {
      const acc = TextAccumulator.fromState(grp.state, cap);
      if (grp.name === NONE) none = add(none, acc);
      else if (grp.name === OTHER) {
        other = add(other, acc);
        approximate = true;
      } else {
        const had = named.get(grp.name);
        if (had) {
          had.acc.mergeFrom(acc);
          had.first = Math.min(had.first, grp.first!);
        } else named.set(grp.name, { first: grp.first!, acc });
      }
    }
  }
  const order = [...named.entries()].sort((a, b) => a[1].first - b[1].first);
  const kept = order.slice(0, o.maxGroups);
  for (const [, v] of order.slice(o.maxGroups)) other = add(other, v.acc);
  const all: [string, TextAccumulator][] = kept.map(([k, v]) => [k, v.acc]);
  if (none) all.push([NONE, none]);
  if (other) all.push([OTHER, other]);
  if (all.length < 2) return undefined;
  all.sort((a, b) => place(a[0]) - place(b[0]) || byName(a[0], b[0]));
  const groups: GroupStats[] = [];
  for (const [key, acc] of all) groups.push({ key, stats: await acc.finish({ histograms: false }) });
  return { groups, approximate };
}

export async function mergeStatsParts(parts: readonly StatsPart[]): Promise<{ result: StatsResult; approximateGroups: string[] }> {
  const first = parts[0]!;
  const o = first.options;
  let dataset: TextAccumulator | undefined;
  const rejected = new Map<string, number>();
  let dialogues = 0;
  for (const p of parts) {
    dataset = add(dataset, TextAccumulator.fromState(p.dataset, { distinctExactCap: o.distinctExactCap }));
    dialogues += p.population.dialogues;
    for (const [k, v] of Object.entries(p.population.rejected)) rejected.set(k, (rejected.get(k) ?? 0) + v);
  }
  const groups: Record<string, GroupStats[]> = {};
  const approximateGroups: string[] = [];
  for (const [gi, g] of first.groupings.entries()) {
    const merged = await mergeGrouping(parts, gi);
    if (!merged) continue;
    groups[g.key] = merged.groups;
    if (merged.approximate) approximateGroups.push(g.key);
  }
  const result: StatsResult = {
    sftforge_stats: 1,
    inputs: [...first.inputs],
    options: {
      format: o.format,
      mtld_threshold: o.mtldThreshold,
      sample: null,
      seed: null,
      max_groups: o.maxGroups,
      distinct_exact_cap: o.distinctExactCap,
      group_distinct_exact_cap: o.groupDistinctExactCap,
    },
    population: first.hasText ? { dialogues, measured: dataset!.dialogues, rejected: Object.fromEntries([...rejected.entries()].sort(([a], [b]) => byName(a, b))) } : { dialogues: 0, measured: 0, rejected: {} },
    text: first.hasText ? await dataset!.finish() : null,
    groups,
    tokenized: first.tokenized,
    reference: PAPER_TABLE4.map((r) => ({ ...r })),
  };
  return { result, approximateGroups };
}

export async function mergeStats(ranks: readonly LoadedRank[], o: MergeStatsOptions): Promise<StatsResult> {
  const parts = await Promise.all(ranks.map((r) => r.readJson<StatsPart>('part')));
  const { result, approximateGroups } = await mergeStatsParts(parts);
  await writeStats(result, { json: o.json, html: o.html });
  if (approximateGroups.length > 0) {
    process.stderr.write(`stats: groups by ${approximateGroups.join(', ')} are approximate: a rank saw more than ${result.options.max_groups} values and folded some into "(other)" (raise --max-groups for exact groups)\n`);
  }
  if (!o.quiet) (o.print ?? ((s: string) => process.stdout.write(s + '\n')))(renderTable(result));
  return result;
}
