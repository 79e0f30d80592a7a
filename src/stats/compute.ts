/**
 * `computeStats`: one streaming pass over the inputs. JSON/JSONL inputs go through the project
 * reader (`readConversations`); folders written by `save_to_disk` are measured as tokenized data.
 * With `sample`, dialogues are reservoir-sampled (seeded) and only the sample is measured, in
 * input order. The result depends only on the inputs and options (no clock, no unseeded random).
 */
import { isReject, type Conversation, type RejectMarker } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import { readConversations } from '../io/read.js';
import { expandInputs } from '../io/files.js';
import { TextAccumulator } from './accumulate.js';
import { DEFAULT_EXACT_CAP } from './distinct.js';
import { dialogueFeatures } from './features.js';
import { GROUP_KEYS, Grouping } from './groups.js';
import { Reservoir } from './sample.js';
import { isTokenizedFolder, tokenizedStats } from './tokenized.js';
import { PAPER_TABLE4 } from './paper.js';
import { quarantineOf } from './quarantine.js';
import type { GroupStats, StatsOptions, StatsResult, TokenizedStats } from './types.js';

export const DEFAULT_MTLD_THRESHOLD = 0.72;
export const DEFAULT_MAX_GROUPS = 32;
export const DEFAULT_GROUP_EXACT_CAP = 1 << 15;

export async function computeStats(inputs: string[], opts: StatsOptions = {}): Promise<StatsResult> {
  if (inputs.length === 0) throw new UsageError('stats needs at least one input', 'give JSON/JSONL files, folders of them, or tokenized dataset folders');
  const textInputs: string[] = [];
  const tokenizedDirs: string[] = [];
  for (const input of inputs) {
    if (await isTokenizedFolder(input)) tokenizedDirs.push(input);
    else textInputs.push(input);
  }
  const records = textInputs.length > 0 ? readConversations(textInputs, { format: opts.format }) : undefined;
  return computeStatsFrom({ inputs, records, files: textInputs.length ? await expandInputs(textInputs) : [], tokenizedDirs }, opts);
}

export interface StatsSources {
  /** How the inputs are named in the result. */
  inputs: string[];
  /** Conversations (and the rejects met on the way) to measure; undefined when there are none. */
  records?: AsyncIterable<Conversation | RejectMarker>;
  /** The files they come from (groups by source only make sense with several). */
  files: string[];
  tokenizedDirs: string[];
}

/** The same from a stream of records (the `stats` stage feeds it what reaches it). */
export async function computeStatsFrom(src: StatsSources, opts: StatsOptions = {}): Promise<StatsResult> {
  const o = resolveOptions(opts);
  const tokenized: TokenizedStats[] = [];
  for (const dir of src.tokenizedDirs) tokenized.push(await tokenizedStats(dir, { sample: o.sample ?? undefined, seed: o.seed ?? 0 }));
  const text = src.records ? await textStats(src.records, src.files, o) : undefined;
  const quarantine = [];
  for (const f of src.files) quarantine.push(await quarantineOf(f, 'text'));
  for (const dir of src.tokenizedDirs) quarantine.push(await quarantineOf(dir, 'tokenized'));
  return {
    sftforge_stats: 1,
    inputs: [...src.inputs],
    options: {
      format: o.format ?? null,
      mtld_threshold: o.mtldThreshold,
      sample: o.sample,
      seed: o.seed,
      max_groups: o.maxGroups,
      distinct_exact_cap: o.distinctExactCap,
      group_distinct_exact_cap: o.groupDistinctExactCap,
    },
    population: text?.population ?? { dialogues: 0, measured: 0, rejected: {} },
    text: text?.stats ?? null,
    groups: text?.groups ?? {},
    tokenized,
    reference: PAPER_TABLE4.map((r) => ({ ...r })),
    quarantine,
  };
}

interface Resolved {
  format: StatsOptions['format'];
  sample: number | null;
  seed: number | null;
  mtldThreshold: number;
  maxGroups: number;
  distinctExactCap: number;
  groupDistinctExactCap: number;
}

function resolveOptions(opts: StatsOptions): Resolved {
  const sample = opts.sample ?? null;
  if (sample !== null && (!Number.isInteger(sample) || sample < 1)) throw new UsageError(`--sample must be a positive integer, got ${sample}`);
  const seed = opts.seed ?? null;
  if (seed !== null && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) throw new UsageError(`--seed must be an integer in [0, 2^32), got ${seed}`);
  const mtldThreshold = opts.mtldThreshold ?? DEFAULT_MTLD_THRESHOLD;
  if (!(mtldThreshold > 0 && mtldThreshold < 1)) throw new UsageError(`MTLD threshold must be in (0, 1), got ${mtldThreshold}`);
  return {
    format: opts.format,
    sample,
    seed: sample !== null ? (seed ?? 0) : seed,
    mtldThreshold,
    maxGroups: opts.maxGroups ?? DEFAULT_MAX_GROUPS,
    distinctExactCap: opts.distinctExactCap ?? DEFAULT_EXACT_CAP,
    groupDistinctExactCap: opts.groupDistinctExactCap ?? DEFAULT_GROUP_EXACT_CAP,
  };
}

async function textStats(records: AsyncIterable<Conversation | RejectMarker>, files: string[], o: Resolved) {
  const dataset = new TextAccumulator({ distinctExactCap: o.distinctExactCap });
  const accOpts = { distinctExactCap: o.groupDistinctExactCap };
  // Per-file groups only make sense with several files (else the one group is the dataset).
  const keys = GROUP_KEYS.filter((k) => k !== 'source' || files.length > 1);
  const groupings = keys.map((k) => new Grouping(k, o.maxGroups, accOpts, dataset));

  const measure = async (conv: Conversation) => {
    const f = dialogueFeatures(conv, o.mtldThreshold);
    // Groups first: a grouping may copy the dataset's past when its key first appears.
    for (const g of groupings) await g.add(conv, f);
    await dataset.add(f);
  };

  const rejected = new Map<string, number>();
  const reservoir = o.sample !== null ? new Reservoir<Conversation>(o.sample, o.seed ?? 0) : undefined;
  let dialogues = 0;
  for await (const rec of records) {
    if (isReject(rec)) {
      rejected.set(rec.reason, (rejected.get(rec.reason) ?? 0) + 1);
      continue;
    }
    dialogues++;
    if (reservoir) reservoir.offer(rec);
    else await measure(rec);
  }
  if (reservoir) for (const conv of reservoir.take()) await measure(conv);

  const groups: Record<string, GroupStats[]> = {};
  for (const g of groupings) {
    const res = await g.finish();
    if (g.informative) groups[g.key] = res;
  }
  return {
    population: {
      dialogues,
      measured: dataset.dialogues,
      rejected: Object.fromEntries([...rejected.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
    stats: await dataset.finish(),
    groups,
  };
}
