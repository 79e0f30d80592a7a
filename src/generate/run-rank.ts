/**
 * One rank of a sharded `generate`. The openings are built once (`generate --openings-only`)
 * and every rank reads the same file; rank I of N runs the dialogue indices I, I+N, I+2N, … of
 * each sector (opening j still goes to dialogue j, and every choice derives from the run seed
 * and the index), so the ranks' ids are disjoint and, when no dialogue is abandoned, their union
 * is exactly the single-process run's. An abandoned dialogue is replaced by the rank's next index.
 * `merge` concatenates the parts in id order.
 */
import { writeFileAtomic } from '../io/atomic.js';
import { stat } from 'node:fs/promises';
import { expandInputs } from '../io/files.js';
import { UsageError } from '../core/errors.js';
import { runGenerate, type GenerateResult } from './run.js';
import { effectiveConfig, planSectors } from './run-setup.js';
import type { GenerateOptions, SectorSlice } from './options.js';
import type { Sector } from './types.js';
import { completedRank, describeFiles, digestJson, markerPath, partPath, skipMessage, writeMarker } from '../exec/shard-files.js';
import { describeShard, type ShardSpec } from '../exec/shard.js';

/** Dialogues of a sector for rank `index` of `count`: the indices j < wanted with j ≡ index (mod count). */
export function rankShare(wanted: number, index: number, count: number): number {
  return index < wanted ? Math.floor((wanted - index - 1) / count) + 1 : 0;
}

export function rankSlices(counts: Partial<Record<Sector, number>>, s: Pick<ShardSpec, 'index' | 'count'>): Partial<Record<Sector, SectorSlice>> {
  const out: Partial<Record<Sector, SectorSlice>> = {};
  for (const [sector, n] of Object.entries(counts) as [Sector, number][]) out[sector] = { wanted: rankShare(n, s.index, s.count), first: s.index, step: s.count };
  return out;
}

async function generateFingerprint(o: GenerateOptions): Promise<string> {
  const about = {
    stage: 'generate',
    sectors: [...o.sectors].sort(),
    count: o.count,
    seed: o.seed,
    format: o.format,
    config: o.configPath ?? null,
    models: { user: o.userModel ?? null, assistant: o.assistantModel ?? null },
    openings: await inputsIdentity([o.openings!]),
  };
  return digestJson(about);
}

/** Runs this rank; undefined when its marker says it already finished. */
export async function runGenerateRank(o: GenerateOptions, shard: ShardSpec): Promise<GenerateResult | undefined> {
  if (o.openingsOnly) {
    throw new UsageError(
      `--openings-only builds the openings once for the whole job, but this process is ${describeShard(shard)}`,
      'run it once without --num-shards (SFTFORGE_SHARDING=off inside an array job), then every rank with --openings OUT.openings.jsonl',
    );
  }
  if (!o.openings) {
    throw new UsageError(
      'a sharded generate needs the openings built first, so that every rank starts from the same ones',
      'run `sftforge generate ... --openings-only -o OUT.jsonl` once, then each rank with --openings OUT.openings.jsonl',
    );
  }
  const out = partPath(o.out, shard);
  const marker = markerPath(o.out, shard);
  const report = `${out.replace(/\.jsonl?$/i, '')}.report.json`;
  const fingerprint = await generateFingerprint(o);
  if (await completedRank(marker, fingerprint, 'generate', shard)) {
    process.stderr.write(skipMessage('generate', shard, marker));
    return undefined;
  }
  const { counts } = planSectors(o, effectiveConfig(o));
  const r = await runGenerate({ ...o, out, slices: rankSlices(counts, shard) });
  if (r.status !== 'complete') return r;
  await writeFileAtomic(report, JSON.stringify(r.report.toJSON(), null, 2) + '\n');
  const files = [
    { role: 'part', path: out },
    { role: 'report', path: report },
  ];
  await writeMarker(marker, { sftforge_rank: 1, stage: 'generate', output: o.out, index: shard.index, count: shard.count, fingerprint, files: await describeFiles(files, marker), job: { counts } });
  return r;
}

/** The inputs as files with sizes: part of every fingerprint (a changed input is another job). */
export async function inputsIdentity(inputs: readonly string[]): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for (const f of await expandInputs(inputs)) out.push([f, (await stat(f)).size]);
  return out;
}
