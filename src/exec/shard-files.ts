/**
 * Where a rank writes, and its completion marker. A rank of `-o DIR/clean.jsonl` writes
 * `DIR/clean.rank-00002-of-00008.jsonl` (plus its sidecars), a rank of `-o DIR/ds` writes the
 * folder `DIR/ds.rank-00002-of-00008`, and every rank ends by writing
 * `DIR/<stem>.rank-0000I-of-0000N.done.json`: written last and atomically, it lists the part's
 * files with their sizes and sha256, so its presence means the rank finished and `merge` can
 * check that nothing changed since. A rerun skips ranks whose marker exists.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { SftforgeError, UsageError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic.js';
import { describeShard, rankTag, type ShardSpec } from './shard.js';

/** `pipeline` for every job of the stage engine; `generate` for generation ranks (src/generate/run-rank.ts). */
export type ShardStage = 'pipeline' | 'generate';

export interface PartFile {
  /** What the file is to merge (`part`, `rejects`, `index`, ...). */
  role: string;
  /** Relative to the marker's folder. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface RankMarker {
  sftforge_rank: 1;
  stage: ShardStage;
  /** The output path the rank was given (the merged output's default). */
  output: string;
  index: number;
  count: number;
  /** Digest of the inputs and options: every rank of one job has the same. */
  fingerprint: string;
  files: PartFile[];
  /** What merge needs to know about the job (stage-specific). */
  job: Record<string, unknown>;
}

const EXT = /\.(jsonl|json)$/i;
const MARKER_RE = /^(.*)\.rank-(\d{5})-of-(\d{5})\.done\.json$/;

/** The output path without a trailing slash or .jsonl/.json. */
export function stemOf(path: string): string {
  return path.replace(/[\\/]+$/, '').replace(EXT, '');
}

/** This rank's name for `path`: `x.jsonl` → `x.rank-…jsonl`, a folder `x` → `x.rank-…`. */
export function partPath(path: string, s: Pick<ShardSpec, 'index' | 'count'>): string {
  const clean = path.replace(/[\\/]+$/, '');
  const ext = EXT.exec(clean)?.[0] ?? '';
  return `${stemOf(clean)}.${rankTag(s)}${ext}`;
}

export function markerPath(output: string, s: Pick<ShardSpec, 'index' | 'count'>): string {
  return `${stemOf(output)}.${rankTag(s)}.done.json`;
}

/** sha256 and size of one file, streamed. */
export async function fileDigest(path: string): Promise<{ bytes: number; sha256: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: h.digest('hex') };
}

/** Describes files (a folder stands for each file in it) relative to the marker's folder. */
export async function describeFiles(entries: readonly { role: string; path: string }[], marker: string): Promise<PartFile[]> {
  const base = dirname(marker);
  const out: PartFile[] = [];
  for (const e of entries) {
    const st = await stat(e.path);
    const files = st.isDirectory() ? (await readdir(e.path)).sort().map((f) => join(e.path, f)) : [e.path];
    for (const f of files) out.push({ role: e.role, path: relative(base, f), ...(await fileDigest(f)) });
  }
  return out;
}

export async function writeMarker(path: string, m: RankMarker): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(m, null, 2) + '\n');
}

export async function readMarker(path: string): Promise<RankMarker> {
  let m: RankMarker;
  try {
    m = JSON.parse(await readFile(path, 'utf8')) as RankMarker;
  } catch (e) {
    throw new SftforgeError(`${path}: cannot read the rank marker (${(e as Error).message})`, 'delete it and rerun that rank');
  }
  if (m?.sftforge_rank !== 1 || !Array.isArray(m.files)) throw new SftforgeError(`${path}: not a sftforge rank marker`, 'delete it and rerun that rank');
  return m;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Called first by every rank: the marker of an earlier run of the same job means there is nothing
 * to do (returned); a marker from other inputs or options is an error, not something to overwrite.
 */
export async function completedRank(marker: string, fingerprint: string, stage: ShardStage, s: ShardSpec): Promise<RankMarker | undefined> {
  if (!(await exists(marker))) return undefined;
  const m = await readMarker(marker);
  if (m.fingerprint !== fingerprint || m.stage !== stage || m.count !== s.count) {
    throw new UsageError(
      `${stage} ${describeShard(s)}: ${marker} is from a run with other inputs or options`,
      `delete that marker (and the rank's part files) to run this rank again, or use another -o`,
    );
  }
  return m;
}

/** The line a skipped rank prints. */
export function skipMessage(stage: ShardStage, s: ShardSpec, marker: string): string {
  return `${stage}: ${describeShard(s)} already complete (${marker}); nothing to do\n`;
}

/** Stable digest of a JSON value (the job fingerprint). */
export function digestJson(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 32);
}

export interface FoundJob {
  /** Path stem the ranks were given (`DIR/clean` for `-o DIR/clean.jsonl`). */
  stem: string;
  count: number;
  /** Marker paths by rank; undefined where the rank has not finished. */
  markers: (string | undefined)[];
}

/**
 * The ranks of one job: `path` is the output the ranks were given (`DIR/clean.jsonl`,
 * `DIR/dataset`) or a folder holding the markers of exactly one job.
 */
export async function findJob(path: string): Promise<FoundJob> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) {
    const inside = await markersIn(path);
    const stems = [...new Set(inside.map((m) => m.stem))];
    if (stems.length > 1) {
      throw new UsageError(`${path} holds the parts of ${stems.length} jobs: ${stems.map((s) => basename(s)).join(', ')}`, `name one: sftforge merge ${join(path, basename(stems[0]!))} ...`);
    }
    if (stems.length === 1) return jobOf(stems[0]!, inside);
  }
  const stem = stemOf(path);
  const found = (await markersIn(dirname(stem))).filter((m) => m.stem === stem);
  if (found.length === 0) {
    throw new SftforgeError(
      `no rank markers for ${path} (looked for ${stem}.rank-NNNNN-of-NNNNN.done.json)`,
      'give the -o path the ranks were run with, or the folder holding their parts; a rank writes its marker only when it finishes',
    );
  }
  return jobOf(stem, found);
}

interface FoundMarker {
  stem: string;
  index: number;
  count: number;
  path: string;
}

async function markersIn(dir: string): Promise<FoundMarker[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: FoundMarker[] = [];
  for (const n of names) {
    const m = MARKER_RE.exec(n);
    if (m) out.push({ stem: join(dir, m[1]!), index: Number(m[2]), count: Number(m[3]), path: join(dir, n) });
  }
  return out;
}

function jobOf(stem: string, found: FoundMarker[]): FoundJob {
  const counts = [...new Set(found.map((m) => m.count))];
  if (counts.length > 1) {
    throw new UsageError(
      `${stem}: parts of runs with different shard counts (${counts.join(', ')}) are mixed`,
      'delete the parts of the old run (the *.rank-*-of-<old count>.* files) and merge again',
    );
  }
  const count = counts[0]!;
  const markers: (string | undefined)[] = new Array(count).fill(undefined);
  for (const m of found) markers[m.index] = m.path;
  return { stem, count, markers };
}
