/**
 * What the Hub already holds, and making the target exist: who the token belongs to, the
 * remote tree of the revision (with LFS oids, the sha256 the push compares against), the repo
 * and the branch. All calls go through @huggingface/hub.
 */
import { createBranch, createRepo, listFiles, whoAmI, HubApiError } from '@huggingface/hub';
import { RepoAccessError } from './errors.js';

export interface HubTarget {
  /** `namespace/name` of the dataset repo. */
  repo: string;
  hubUrl: string;
  revision: string;
  token?: string;
  fetch?: typeof fetch;
}

export interface RemoteFile {
  path: string;
  size: number;
  /** Git blob oid (sha1) of the file or, for LFS files, of its pointer. */
  oid?: string;
  /** sha256 of the content, for LFS (and Xet) files. */
  lfsOid?: string;
}

export interface RemoteState {
  repoExists: boolean;
  branchExists: boolean;
  files: Map<string, RemoteFile>;
}

const dataset = (t: HubTarget) => ({ type: 'dataset' as const, name: t.repo });
const common = (t: HubTarget) => ({ hubUrl: t.hubUrl, fetch: t.fetch, ...(t.token ? { accessToken: t.token } : {}) });

/**
 * Checks the namespace is the token owner's or one of their organizations': pushing elsewhere
 * would fail later with a bare 403, or worse, after the shards were hashed and sent.
 */
export async function checkNamespace(t: HubTarget & { token: string }): Promise<string> {
  const me = await whoAmI({ hubUrl: t.hubUrl, fetch: t.fetch, accessToken: t.token });
  const ns = t.repo.split('/')[0]!;
  if (me.type !== 'user') return me.name;
  const mine = [me.name, ...(me.orgs ?? []).map((o) => o.name)];
  if (!mine.includes(ns)) {
    const name = t.repo.split('/')[1]!;
    throw new RepoAccessError(
      `dataset ${t.repo} belongs to "${ns}", which is not you (${me.name}) nor one of your organizations${me.orgs?.length ? ` (${me.orgs.map((o) => o.name).join(', ')})` : ''}: push to --repo ${me.name}/${name}, or join "${ns}" on the Hub`,
    );
  }
  return me.name;
}

function isNotFound(e: unknown): e is HubApiError {
  return e instanceof HubApiError && e.statusCode === 404;
}

async function listTree(t: HubTarget, revision: string): Promise<Map<string, RemoteFile>> {
  const files = new Map<string, RemoteFile>();
  // The library puts the revision in the URL path as is; a branch name with "/" needs encoding.
  for await (const f of listFiles({ repo: dataset(t), recursive: true, revision: encodeURIComponent(revision), ...common(t) })) {
    if (f.type !== 'file') continue;
    files.set(f.path, { path: f.path, size: f.size, oid: f.oid, lfsOid: f.lfs?.oid });
  }
  return files;
}

export async function readRemote(t: HubTarget): Promise<RemoteState> {
  try {
    return { repoExists: true, branchExists: true, files: await listTree(t, t.revision) };
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (t.revision === 'main') return { repoExists: false, branchExists: false, files: new Map() };
  // The revision is missing: is the repo missing too? If not, the branch will start from main,
  // so main's files are what the push compares with.
  try {
    return { repoExists: true, branchExists: false, files: await listTree(t, 'main') };
  } catch (e) {
    if (isNotFound(e)) return { repoExists: false, branchExists: false, files: new Map() };
    throw e;
  }
}

export async function createDatasetRepo(t: HubTarget & { token: string }, isPrivate: boolean): Promise<void> {
  try {
    await createRepo({ repo: dataset(t), ...common(t), accessToken: t.token, ...(isPrivate ? { visibility: 'private' as const } : {}) });
  } catch (e) {
    // It exists, yet listing it said 404: it is private and someone else's.
    if (e instanceof HubApiError && e.statusCode === 409) {
      throw new RepoAccessError(`dataset ${t.repo} exists but this token cannot see it: it is someone else's private repo; push to a repo of your own`);
    }
    throw e;
  }
}

export async function createRevision(t: HubTarget & { token: string }): Promise<void> {
  try {
    await createBranch({ repo: dataset(t), hubUrl: t.hubUrl, fetch: t.fetch, accessToken: t.token, branch: t.revision });
  } catch (e) {
    // Created meanwhile by someone else: what we wanted.
    if (!(e instanceof HubApiError && e.statusCode === 409)) throw e;
  }
}

/** A small text file of the revision (the README), or undefined when it is not there. */
export async function fetchRemoteText(t: HubTarget, path: string, revision = t.revision): Promise<string | undefined> {
  const url = `${t.hubUrl}/datasets/${t.repo}/raw/${encodeURIComponent(revision)}/${path}`;
  const res = await (t.fetch ?? fetch)(url, { headers: t.token ? { Authorization: `Bearer ${t.token}` } : {} });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new HubApiError(url, res.status, undefined, `cannot read ${path}`);
  return res.text();
}
