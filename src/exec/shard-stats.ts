/**
 * One rank of a sharded `stats`: the same streaming pass as computeStats on a subset of the
 * dialogues, whose accumulators' state it writes beside the --json path
 * (`OUT.rank-0000I-of-0000N.json`) for `merge` to add up. Tokenized folders are measured by
 * rank 0 alone (they are read, not computed).
 *
 * Which dialogues: the gzip meter compresses the text stream in independent blocks that close
 * after the dialogue that brings them to GZIP_BLOCK characters. Every rank reads every record
 * and follows those block boundaries (they need only text lengths), and takes the dialogues of
 * blocks k ≡ I (mod N): its meter then compresses exactly the blocks one pass compresses, and
 * the ranks get contiguous runs of dialogues. Reader rejects go to ordinal mod N.
 *
 * Exact after merge: every count, min, max, quantile and histogram (log buckets add up),
 * distinct-n (exact sets unite, HyperLogLog registers take the maximum), gzip of the whole
 * dataset. Within rounding: means of non-integer values (MTLD), summed in another order. Close:
 * gzip per group (a group's blocks span several ranks' runs). Groups are exact unless a rank saw
 * more than --max-groups values of a key (merge says so): it then folded some into "(other)"
 * before knowing which values come first in the whole input.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { isReject, type Conversation } from '../core/types.js';
import { writeFileAtomic } from '../io/atomic.js';
import { expandInputs } from '../io/files.js';
import { readConversations } from '../io/read.js';
import { TextAccumulator, type AccumulatorState } from '../stats/accumulate.js';
import { DEFAULT_GROUP_EXACT_CAP, DEFAULT_MAX_GROUPS, DEFAULT_MTLD_THRESHOLD } from '../stats/compute.js';
import { DEFAULT_EXACT_CAP } from '../stats/distinct.js';
import { dialogueFeatures } from '../stats/features.js';
import { GROUP_KEYS, Grouping, groupValue, type GroupKey } from '../stats/groups.js';
import { GZIP_BLOCK } from '../stats/gzip.js';
import { isTokenizedFolder, tokenizedStats } from '../stats/tokenized.js';
import type { StatsOptions, TokenizedStats } from '../stats/types.js';
import { completedRank, describeFiles, digestJson, inputsIdentity, markerPath, partPath, skipMessage, writeMarker } from './shard-files.js';
import { describeShard, type ShardSpec } from './shard.js';

export interface StatsRankOptions extends StatsOptions {
  inputs: string[];
  json?: string;
  html?: string;
  quiet?: boolean;
}

export interface ResolvedStatsOptions {
  format: string | null;
  mtldThreshold: number;
  maxGroups: number;
  distinctExactCap: number;
  groupDistinctExactCap: number;
}

export interface GroupState {
  name: string;
  /** Input ordinal of the value's first dialogue on this rank (null for "(none)" and "(other)"). */
  first: number | null;
  state: AccumulatorState;
}

/** What a rank writes. */
export interface StatsPart {
  sftforge_stats_part: 1;
  inputs: string[];
  options: ResolvedStatsOptions;
  /** Some input was text (JSON/JSONL), so the result has a `text` section. */
  hasText: boolean;
  population: { dialogues: number; rejected: Record<string, number> };
  dataset: AccumulatorState;
  groupings: { key: GroupKey; seen: boolean; groups: GroupState[] }[];
  tokenized: TokenizedStats[];
}

function resolve(o: StatsOptions): ResolvedStatsOptions {
  if (o.sample !== undefined) {
    throw new UsageError('--sample with a sharded stats run: ranks cannot draw one seeded sample together', 'sample on one machine (sampling is cheap: the pass reads and skips), or measure everything sharded');
  }
  const mtldThreshold = o.mtldThreshold ?? DEFAULT_MTLD_THRESHOLD;
  if (!(mtldThreshold > 0 && mtldThreshold < 1)) throw new UsageError(`MTLD threshold must be in (0, 1), got ${mtldThreshold}`);
  return {
    format: o.format ?? null,
    mtldThreshold,
    maxGroups: o.maxGroups ?? DEFAULT_MAX_GROUPS,
    distinctExactCap: o.distinctExactCap ?? DEFAULT_EXACT_CAP,
    groupDistinctExactCap: o.groupDistinctExactCap ?? DEFAULT_GROUP_EXACT_CAP,
  };
}

export async function runStatsRank(o: StatsRankOptions, shard: ShardSpec): Promise<StatsPart> {
  if (!o.json) throw new UsageError('a sharded stats run needs --json OUT.json', 'each rank writes OUT.rank-0000I-of-0000N.json beside it, and `sftforge merge OUT.json [--html report.html]` writes OUT.json');
  if (o.html) throw new UsageError('--html is written when the ranks are merged', 'drop --html here and run `sftforge merge OUT.json --html report.html`');
  if (o.inputs.length === 0) throw new UsageError('stats needs at least one input');
  const opts = resolve(o);
  const part = partPath(o.json, shard);
  const marker = markerPath(o.json, shard);
  const textInputs: string[] = [];
  const tokenizedDirs: string[] = [];
  for (const input of o.inputs) ((await isTokenizedFolder(input)) ? tokenizedDirs : textInputs).push(input);
  const fingerprint = digestJson({ stage: 'stats', inputs: textInputs.length ? await inputsIdentity(textInputs) : [], tokenized: tokenizedDirs, options: opts });
  if (await completedRank(marker, fingerprint, 'stats', shard)) {
    process.stderr.write(skipMessage('stats', shard, marker));
    return JSON.parse(await readFile(part, 'utf8')) as StatsPart;
  }
  const tokenized: TokenizedStats[] = [];
  if (shard.index === 0) for (const dir of tokenizedDirs) tokenized.push(await tokenizedStats(dir, { seed: 0 }));
  const measured = await measureText(textInputs, opts, shard);
  const result: StatsPart = { sftforge_stats_part: 1, inputs: [...o.inputs], options: opts, hasText: textInputs.length > 0, ...measured, tokenized };
  await writeFileAtomic(part, JSON.stringify(result) + '\n');
  await writeMarker(marker, { sftforge_rank: 1, stage: 'stats', output: o.json, index: shard.index, count: shard.count, fingerprint, files: await describeFiles([{ role: 'part', path: part }], marker), job: {} });
  if (!o.quiet) process.stderr.write(`stats: ${describeShard(shard)} measured ${measured.dataset.dialogues} dialogues; run \`sftforge merge ${o.json}\` once every rank is done\n`);
  return result;
}

/** computeStats' text pass on this rank's dialogues, keeping first-appearance ordinals of group values. */
async function measureText(inputs: string[], o: ResolvedStatsOptions, shard: ShardSpec): Promise<Pick<StatsPart, 'population' | 'dataset' | 'groupings'>> {
  const dataset = new TextAccumulator({ distinctExactCap: o.distinctExactCap });
  const files = inputs.length > 0 ? await expandInputs(inputs) : [];
  const keys = GROUP_KEYS.filter((k) => k !== 'source' || files.length > 1);
  const groupings = keys.map((k) => new Grouping(k, o.maxGroups, { distinctExactCap: o.groupDistinctExactCap }, dataset));
  // The values a Grouping names are the first maxGroups it meets: the same ones recorded here.
  const firsts = keys.map(() => new Map<string, number>());
  const rejected = new Map<string, number>();
  let dialogues = 0;
  let ordinal = -1;
  const blocks = new GzipBlocks();
  const format = (o.format ?? undefined) as StatsOptions['format'];
  for await (const rec of inputs.length > 0 ? readConversations(inputs, { format }) : noRecords()) {
    ordinal++;
    if (isReject(rec)) {
      if (ordinal % shard.count === shard.index) rejected.set(rec.reason, (rejected.get(rec.reason) ?? 0) + 1);
      continue;
    }
    if (blocks.next(rec) % shard.count !== shard.index) continue;
    dialogues++;
    const f = dialogueFeatures(rec, o.mtldThreshold);
    for (const [i, g] of groupings.entries()) {
      const v = groupValue(rec, g.key);
      const seen = firsts[i]!;
      if (v !== null && !seen.has(v) && seen.size < o.maxGroups) seen.set(v, ordinal);
      await g.add(rec, f);
    }
    await dataset.add(f);
  }
  const out: StatsPart['groupings'] = [];
  for (const [i, g] of groupings.entries()) {
    const groups: GroupState[] = [];
    for (const [name, acc] of g.entries()) groups.push({ name, first: firsts[i]!.get(name) ?? null, state: await acc.toState() });
    out.push({ key: g.key, seen: g.sawValue, groups });
  }
  return { population: { dialogues, rejected: Object.fromEntries(rejected) }, dataset: await dataset.toState(), groupings: out };
}

async function* noRecords(): AsyncGenerator<Conversation> {}

/** Follows GzipMeter's block boundaries over the dataset's text stream (see TextAccumulator.add). */
class GzipBlocks {
  private block = 0;
  private pending = 0;
  /** The block this dialogue's text goes to. */
  next(c: Conversation): number {
    const at = this.block;
    let chars = 0;
    for (const t of c.turns) if (t.role !== 'system') chars += t.content.length + 1; // text + '\n'
    this.pending += chars;
    if (this.pending >= GZIP_BLOCK) {
      this.block++;
      this.pending = 0;
    }
    return at;
  }
}
