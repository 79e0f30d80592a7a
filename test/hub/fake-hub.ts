/**
 * A Hugging Face Hub stand-in on 127.0.0.1 that answers the endpoints @huggingface/hub 2.x
 * calls for a push (read from node_modules/@huggingface/hub/src/lib): whoami-v2, repos/create,
 * tree listing, branch creation, preupload, the LFS batch API with basic transfer, the LFS PUT
 * and the NDJSON commit. It stores what it receives, records every request, and fails on demand.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface StoredFile {
  content: Buffer;
  lfs: boolean;
}

export interface FakeCommit {
  oid: string;
  title: string;
  files: Map<string, StoredFile>;
}

interface FakeRepo {
  owner: string;
  private: boolean;
  branches: Map<string, FakeCommit[]>;
}

export interface Failure {
  method?: string;
  path: RegExp;
  /** Answer with this status and `{error}`; or drop the connection when `drop` is set. */
  status?: number;
  error?: string;
  drop?: boolean;
  times?: number;
}

export interface DropUpload {
  oid: string;
  /** Wait until this many other LFS objects are stored, so the drop happens mid-push, deterministically. */
  afterStored: number;
}

export const USERS: Record<string, { name: string; orgs: string[] }> = {
  hf_alice_token_0123456789: { name: 'alice', orgs: ['alice-lab'] },
  hf_bob_token_0123456789: { name: 'bob', orgs: [] },
};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

export class FakeHub {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly repos = new Map<string, FakeRepo>();
  readonly lfs = new Map<string, Buffer>();
  readonly failures: Failure[] = [];
  dropUpload?: DropUpload;
  private server?: Server;
  private commitCount = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: Error) => {
        if (!res.headersSent) this.json(res, 500, { error: `fake hub: ${e.message}` });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** Makes a repo directly (someone else's, for access tests). */
  addRepo(name: string, owner: string, isPrivate = false): void {
    const gitattributes = Buffer.from('*.arrow filter=lfs diff=lfs merge=lfs -text\n');
    this.repos.set(name, {
      owner,
      private: isPrivate,
      branches: new Map([['main', [{ oid: this.nextOid(), title: 'initial commit', files: new Map([['.gitattributes', { content: gitattributes, lfs: false }]]) }]]]),
    });
  }

  commits(repo: string, rev = 'main'): FakeCommit[] {
    return this.repos.get(repo)?.branches.get(rev) ?? [];
  }

  file(repo: string, path: string, rev = 'main'): Buffer | undefined {
    return this.commits(repo, rev).at(-1)?.files.get(path)?.content;
  }

  stored(repo: string, path: string, rev = 'main'): StoredFile | undefined {
    return this.commits(repo, rev).at(-1)?.files.get(path);
  }

  /** LFS uploads received (PUT), by oid. */
  uploads(): string[] {
    return this.requests.filter((r) => r.method === 'PUT').map((r) => r.url.split('/').pop()!);
  }

  private nextOid(): string {
    return createHash('sha1')
      .update(`commit ${++this.commitCount}`)
      .digest('hex');
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private user(req: IncomingMessage): { name: string; orgs: string[] } | undefined {
    const h = req.headers.authorization;
    return h?.startsWith('Bearer ') ? USERS[h.slice(7)] : undefined;
  }

  private canRead(repo: FakeRepo, u?: { name: string; orgs: string[] }): boolean {
    return !repo.private || (!!u && (u.name === repo.owner || u.orgs.includes(repo.owner)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.url);
    const path = decodeURIComponent(url.pathname);
    const rec: RecordedRequest = { method, url: req.url ?? '', headers: { ...req.headers }, body: Buffer.alloc(0) };
    this.requests.push(rec);

    const fail = this.failures.find((f) => (!f.method || f.method === method) && f.path.test(path) && (f.times ?? 1) > 0);
    if (fail) {
      fail.times = (fail.times ?? 1) - 1;
      if (fail.drop) return void req.socket.destroy();
      return this.json(res, fail.status ?? 500, { error: fail.error ?? 'injected failure' });
    }

    if (method === 'PUT' && path.startsWith('/lfs-upload/')) return this.lfsPut(req, res, rec, path.slice('/lfs-upload/'.length));
    rec.body = await readBody(req);
    const u = this.user(req);

    if (path === '/api/whoami-v2') {
      if (!u) return this.json(res, 401, { error: 'Invalid credentials in Authorization header' });
      return this.json(res, 200, {
        type: 'user',
        name: u.name,
        orgs: u.orgs.map((name) => ({ type: 'org', name })),
        auth: { type: 'access_token', accessToken: { displayName: 'test', role: 'write', createdAt: '2024-01-01T00:00:00.000Z' } },
      });
    }
    if (path === '/api/repos/create' && method === 'POST') return this.create(res, u, JSON.parse(rec.body.toString()));

    let m = /^\/datasets\/([^/]+\/[^/]+)\/raw\/([^/]+)\/(.+)$/.exec(path);
    if (m && method === 'GET') {
      const repo = this.repos.get(m[1]!);
      if (!repo || !this.canRead(repo, u)) return this.json(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
      const f = this.stored(m[1]!, m[3]!, m[2]!);
      if (!f) return this.json(res, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end(f.content);
    }
    m = /^\/datasets\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(path);
    if (m && method === 'POST') return this.batch(res, m[1]!, u, JSON.parse(rec.body.toString()));

    m = /^\/api\/datasets\/([^/]+\/[^/]+)\/(tree|preupload|commit|branch|paths-info)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return this.json(res, 404, { error: `fake hub: no route for ${method} ${path}` });
    const [, name, op, rev] = m as unknown as [string, string, string, string];
    const repo = this.repos.get(name);
    if (!repo || !this.canRead(repo, u)) return this.json(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    if (op !== 'tree' && op !== 'paths-info') {
      if (!u) return this.json(res, 401, { error: 'Invalid credentials in Authorization header' });
      if (u.name !== repo.owner && !u.orgs.includes(repo.owner)) return this.json(res, 403, { error: `You don't have the rights to write to ${name}` });
    }
    if (op === 'branch') return this.branch(res, repo, rev);
    const commits = repo.branches.get(rev);
    if (!commits) return this.json(res, 404, { error: 'Revision Not Found' }, { 'X-Error-Code': 'RevisionNotFound' });
    if (op === 'tree') return this.json(res, 200, tree(commits.at(-1)!.files));
    if (op === 'preupload') return this.preupload(res, JSON.parse(rec.body.toString()));
    if (op === 'commit') return this.commit(res, name, commits, rec.body.toString());
    return this.json(res, 404, { error: 'not implemented' });
  }

  private create(res: ServerResponse, u: { name: string; orgs: string[] } | undefined, body: { name: string; organization?: string; type: string; visibility?: string }): void {
    if (!u) return this.json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const ns = body.organization ?? u.name;
    if (ns !== u.name && !u.orgs.includes(ns)) return this.json(res, 403, { error: `You don't have the rights to create a dataset under the namespace "${ns}"` });
    // The real Hub refuses some names the client-side check lets through; this one stands for them.
    if (body.name === 'reserved') return this.json(res, 400, { error: 'Invalid repo name: "reserved" is reserved' });
    const name = `${ns}/${body.name}`;
    if (this.repos.has(name)) return this.json(res, 409, { error: 'You already created this dataset repo', url: `${this.url}/datasets/${name}` });
    this.addRepo(name, ns, body.visibility === 'private');
    this.json(res, 200, { url: `${this.url}/datasets/${name}`, name, id: name });
  }

  private branch(res: ServerResponse, repo: FakeRepo, rev: string): void {
    if (repo.branches.has(rev)) return this.json(res, 409, { error: 'Reference already exists' });
    repo.branches.set(rev, [...repo.branches.get('main')!]);
    this.json(res, 200, {});
  }

  private preupload(res: ServerResponse, body: { files: { path: string; size: number; sample: string }[] }): void {
    const files = body.files.map((f) => {
      const binary = Buffer.from(f.sample, 'base64').includes(0);
      const lfs = /\.(arrow|parquet)$/.test(f.path) || f.size > 10 * 1024 * 1024 || binary;
      return { path: f.path, uploadMode: lfs ? 'lfs' : 'regular', shouldIgnore: false };
    });
    this.json(res, 200, { files, commitOid: 'x' });
  }

  private batch(res: ServerResponse, name: string, u: { name: string; orgs: string[] } | undefined, body: { objects: { oid: string; size: number }[] }): void {
    const repo = this.repos.get(name);
    if (!u) return this.json(res, 401, { message: 'Invalid credentials' });
    if (!repo || (u.name !== repo.owner && !u.orgs.includes(repo.owner))) return this.json(res, 403, { message: 'forbidden' });
    const objects = body.objects.map((o) =>
      this.lfs.has(o.oid) ? { oid: o.oid, size: o.size } : { oid: o.oid, size: o.size, authenticated: true, actions: { upload: { href: `${this.url}/lfs-upload/${o.oid}`, expires_in: 3600 } } },
    );
    res.writeHead(200, { 'Content-Type': 'application/vnd.git-lfs+json' });
    res.end(JSON.stringify({ transfer: 'basic', objects }));
  }

  private async lfsPut(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, oid: string): Promise<void> {
    const drop = this.dropUpload;
    if (drop && drop.oid === oid) {
      this.dropUpload = undefined;
      for (let i = 0; i < 500 && this.lfs.size < drop.afterStored; i++) await new Promise((r) => setTimeout(r, 10));
      // Take the first bytes, then hang up: a connection lost mid-upload.
      await new Promise<void>((r) => req.once('data', () => r()));
      req.socket.destroy();
      return;
    }
    rec.body = await readBody(req);
    if (sha256(rec.body) !== oid) return this.json(res, 400, { error: 'sha256 mismatch' });
    this.lfs.set(oid, rec.body);
    res.writeHead(200, { ETag: `"${oid.slice(0, 16)}"` });
    res.end();
  }

  private commit(res: ServerResponse, name: string, commits: FakeCommit[], ndjson: string): void {
    const lines = ndjson
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key: string; value: Record<string, string> });
    const header = lines.find((l) => l.key === 'header')?.value;
    const files = new Map(commits.at(-1)!.files);
    for (const { key, value } of lines) {
      if (key === 'file') files.set(value.path!, { content: Buffer.from(value.content!, value.encoding === 'base64' ? 'base64' : 'utf8'), lfs: false });
      else if (key === 'lfsFile') {
        const content = this.lfs.get(value.oid!);
        if (!content) return this.json(res, 422, { error: `LFS object ${value.oid} was not uploaded` });
        files.set(value.path!, { content, lfs: true });
      } else if (key === 'deletedFile') files.delete(value.path!);
    }
    const oid = this.nextOid();
    commits.push({ oid, title: header?.summary ?? '', files });
    this.json(res, 200, { success: true, commitOid: oid, commitUrl: `${this.url}/datasets/${name}/commit/${oid}`, hookOutput: '' });
  }
}

function tree(files: Map<string, StoredFile>): unknown[] {
  const dirs = new Set<string>();
  const out: unknown[] = [];
  for (const [path, f] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    if (f.lfs) {
      const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(f.content)}\nsize ${f.content.length}\n`);
      out.push({ type: 'file', oid: gitOid(pointer), size: f.content.length, path, lfs: { oid: sha256(f.content), size: f.content.length, pointerSize: pointer.length } });
    } else out.push({ type: 'file', oid: gitOid(f.content), size: f.content.length, path });
  }
  for (const d of dirs) out.push({ type: 'directory', oid: gitOid(Buffer.from(d)), size: 0, path: d });
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
