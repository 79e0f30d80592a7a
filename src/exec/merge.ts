/**
 * `sftforge merge PATH [-o OUT]`: joins the parts of a sharded job once every rank finished.
 * Checks first, then works: every rank's marker must exist (the error names the missing ranks),
 * all must come from the same job (stage, inputs, options, count), and every part file must
 * still have the size and sha256 its marker recorded. Then the stage's merger writes OUT
 * atomically (default: the output the ranks were given).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SftforgeError, UsageError } from '../core/errors.js';
import { fileDigest, findJob, readMarker, type PartFile, type RankMarker, type ShardStage } from './shard-files.js';
import { rankTag } from './shard.js';

export interface MergeOptions {
  /** The output the ranks were given, or the folder holding their parts. */
  path: string;
  /** Merged output (default: the ranks' output path). */
  output?: string;
  rejects?: string;
  report?: string;
  /** stats: where the merged JSON / HTML go (default: the ranks' --json path). */
  json?: string;
  html?: string;
  /** Skip the sha256 check of the parts (they are read once more for it). */
  verify?: boolean;
  quiet?: boolean;
}

/** One finished rank: its marker and its files. */
export class LoadedRank {
  constructor(
    readonly markerPath: string,
    readonly marker: RankMarker,
  ) {}

  get index(): number {
    return this.marker.index;
  }

  /** Absolute paths of the files with this role, in marker order. */
  files(role: string): string[] {
    return this.marker.files.filter((f) => f.role === role).map((f) => join(dirname(this.markerPath), f.path));
  }

  /** The one file with this role. */
  file(role: string): string {
    const f = this.files(role);
    if (f.length !== 1) throw new SftforgeError(`${this.markerPath}: expected one "${role}" file, found ${f.length}`, 'rerun that rank (delete its marker)');
    return f[0]!;
  }

  async readJson<T>(role: string): Promise<T> {
    return JSON.parse(await readFile(this.file(role), 'utf8')) as T;
  }

  /** Where the merged output goes by default: the path the ranks were given, beside their parts. */
  defaultOutput(): string {
    return join(dirname(this.markerPath), basename(this.marker.output));
  }
}

export interface MergedJob {
  stage: ShardStage;
  ranks: LoadedRank[];
}

/** Finds and checks the ranks of the job at `path`. */
export async function loadJob(path: string, verify = true): Promise<MergedJob> {
  const found = await findJob(path);
  const missing = found.markers.flatMap((m, i) => (m === undefined ? [i] : []));
  if (missing.length > 0) {
    const shown = missing.slice(0, 20).join(', ') + (missing.length > 20 ? `, … (${missing.length} in all)` : '');
    throw new SftforgeError(
      `${missing.length} of ${found.count} ranks of ${found.stem} have not finished: rank${missing.length > 1 ? 's' : ''} ${shown} (no ${basename(found.stem)}.${rankTag({ index: missing[0]!, count: found.count })}.done.json)`,
      'run the job again: ranks that finished exit at once, the others run; then merge',
    );
  }
  const ranks: LoadedRank[] = [];
  for (const p of found.markers as string[]) ranks.push(new LoadedRank(p, await readMarker(p)));
  const first = ranks[0]!.marker;
  for (const r of ranks) {
    const m = r.marker;
    if (m.stage !== first.stage || m.fingerprint !== first.fingerprint || m.count !== first.count) {
      throw new UsageError(
        `rank ${m.index} (${r.markerPath}) ran ${m.stage} with other inputs or options than rank 0 (${first.stage})`,
        "every rank of a job must run the same command; delete the odd rank's marker and parts, and rerun it",
      );
    }
    if (m.index !== ranks.indexOf(r)) throw new SftforgeError(`${r.markerPath} says it is rank ${m.index}`, 'the file was renamed or copied: rerun that rank');
  }
  if (verify) for (const r of ranks) await verifyRank(r);
  return { stage: first.stage, ranks };
}

async function verifyRank(r: LoadedRank): Promise<void> {
  for (const f of r.marker.files) {
    const path = join(dirname(r.markerPath), f.path);
    const got = await fileDigest(path).catch(() => undefined);
    if (!got) throw new SftforgeError(`rank ${r.index}: ${path} is missing`, 'rerun that rank (delete its marker first)');
    if (!sameFile(got, f)) throw new SftforgeError(`rank ${r.index}: ${path} changed after the rank finished (size or sha256 differ from its marker)`, 'rerun that rank (delete its marker first)');
  }
}

function sameFile(a: { bytes: number; sha256: string }, b: PartFile): boolean {
  return a.bytes === b.bytes && a.sha256 === b.sha256;
}
