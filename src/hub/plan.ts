/**
 * What a push must do, from the local files and the remote tree: a file whose content is
 * already there (same LFS sha256, or same git blob oid for a regular file) is skipped; a data
 * file on the Hub that this push does not have is deleted, since the card's `data/train-*`
 * glob would otherwise load stale shards next to the new ones.
 */
import type { FileDigest } from './hash.js';
import type { RemoteFile } from './remote.js';

export interface PlannedFile {
  repoPath: string;
  /** A file on disk, or the bytes (the generated card). */
  localPath?: string;
  content?: Uint8Array;
  digest: FileDigest;
}

export interface PushPlan {
  upload: PlannedFile[];
  skip: PlannedFile[];
  delete: string[];
}

/** Remote folder this tool owns: anything in it that the push does not write is stale. */
export const DATA_PREFIX = 'data/';

export function sameContent(local: FileDigest, remote: RemoteFile): boolean {
  if (remote.size !== local.size) return false;
  return remote.lfsOid ? remote.lfsOid === local.sha256 : remote.oid === local.gitOid;
}

export function planPush(local: PlannedFile[], remote: Map<string, RemoteFile>): PushPlan {
  const plan: PushPlan = { upload: [], skip: [], delete: [] };
  const mine = new Set(local.map((f) => f.repoPath));
  for (const f of local) {
    const r = remote.get(f.repoPath);
    (r && sameContent(f.digest, r) ? plan.skip : plan.upload).push(f);
  }
  for (const path of [...remote.keys()].sort()) {
    if (path.startsWith(DATA_PREFIX) && !mine.has(path)) plan.delete.push(path);
  }
  return plan;
}
