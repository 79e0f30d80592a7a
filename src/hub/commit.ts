/**
 * The one commit of a push: the files to add or update (LFS ones are uploaded first by the
 * library, which skips objects the Hub already stores) and the stale data files to delete.
 */
import { openAsBlob } from 'node:fs';
import { commitIter, type CommitOperation } from '@huggingface/hub';
import type { ErrorContext } from './classify.js';
import type { PushPlan } from './plan.js';
import type { HubTarget } from './remote.js';

export interface CommitOptions {
  /** Commit title. */
  message?: string;
  useXet?: boolean;
  signal?: AbortSignal;
}

export async function commitPlan(
  plan: PushPlan,
  t: HubTarget & { token: string },
  opts: CommitOptions,
  log: (l: string) => void,
  ctx: ErrorContext,
): Promise<{ oid: string; url: string } | undefined> {
  const operations: CommitOperation[] = [];
  for (const f of plan.upload) {
    // Files stay on disk: openAsBlob streams them, so memory does not grow with the dataset.
    const content = f.localPath ? await openAsBlob(f.localPath) : new Blob([Buffer.from(f.content!)]);
    operations.push({ operation: 'addOrUpdate', path: f.repoPath, content });
  }
  for (const path of plan.delete) operations.push({ operation: 'delete', path });
  const iter = commitIter({
    repo: { type: 'dataset', name: t.repo },
    operations,
    title: opts.message ?? `Upload dataset with sftforge (${plan.upload.length} files)`,
    branch: t.revision,
    hubUrl: t.hubUrl,
    accessToken: t.token,
    fetch: t.fetch,
    useXet: opts.useXet,
    abortSignal: opts.signal,
  });
  const sizes = new Map(plan.upload.map((f) => [f.repoPath, f.digest.size]));
  const started = new Set<string>();
  const done = new Set<string>();
  for (let r = await iter.next(); ; r = await iter.next()) {
    if (r.done) return r.value ? { oid: r.value.commit.oid, url: r.value.commit.url } : undefined;
    const ev = r.value;
    if (ev.event === 'phase') {
      if (ev.phase === 'committing') ctx.step = 'commit';
      continue;
    }
    if (ev.state !== 'uploading') continue;
    if (ev.progress < 1) started.add(ev.path);
    else if (!done.has(ev.path) && ctx.step === 'upload') {
      done.add(ev.path);
      // A file reported done without having started was already on the Hub (an earlier, interrupted push).
      log(`${started.has(ev.path) ? 'uploaded' : 'already on the Hub'} ${ev.path} (${sizes.get(ev.path) ?? 0} bytes)`);
    }
  }
}
