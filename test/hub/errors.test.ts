import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubResponseError, HubUnreachableError, NoTokenError, NotADatasetError, RepoAccessError, RepoNameError, TokenRefusedError, findToken, pushDataset, scrubSecret } from '../../src/hub/index.js';
import { SftforgeError } from '../../src/core/errors.js';
import type { FakeHub } from './fake-hub.js';
import { makeJsonlOutput, makeTokenizedFolder } from './fixtures.js';
import { TOKEN, expectNoTokenLeak, type Harness, useFakeHub } from './helpers.js';

let hub: FakeHub;
let h: Harness;
let dir: string;

useFakeHub(async (a, b) => {
  hub = a;
  h = b;
  dir = (await makeTokenizedFolder({ rows: 6, shards: 2 })).dir;
});

/** Runs a push expected to fail; checks the message is one line and free of any token. */
async function failure(p: Promise<unknown>, secret = TOKEN): Promise<SftforgeError> {
  const e = await p.then(
    () => {
      throw new Error('push succeeded; a failure was expected');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SftforgeError);
  const msg = (e as Error).message;
  expect(msg).not.toContain('\n');
  expect(msg).not.toContain(secret);
  expect(msg).not.toMatch(/hf_[A-Za-z0-9]{8,}/);
  return e as SftforgeError;
}

describe('token', () => {
  it('no token: says where a token comes from, sends nothing', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sftforge-hfhome-'));
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d', env: { HF_HOME: home } })));
    expect(e).toBeInstanceOf(NoTokenError);
    expect(e.message).toBe(
      'no Hugging Face token: set HF_TOKEN, log in once with `huggingface-cli login` (saves $HF_HOME/token), or pass --token-file FILE (create a write token at https://huggingface.co/settings/tokens)',
    );
    expect(hub.requests).toHaveLength(0);
  });

  it('reads the token `huggingface-cli login` saved in $HF_HOME/token (HF_TOKEN wins; HF_TOKEN_PATH overrides the place)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sftforge-hfhome-'));
    await writeFile(join(home, 'token'), TOKEN); // huggingface_hub writes it without a newline
    await pushDataset(h.opts({ dir, repo: 'alice/d', env: { HF_HOME: home } }));
    const authed = hub.requests.filter((r) => r.headers.authorization !== undefined);
    expect(authed.length).toBeGreaterThan(0);
    expect(authed.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(await findToken({ env: { HF_HOME: home, HF_TOKEN: 'hf_env_wins' } })).toBe('hf_env_wins');
    await writeFile(join(home, 'other'), 'hf_other_file\n');
    expect(await findToken({ env: { HF_HOME: '/nonexistent', HF_TOKEN_PATH: join(home, 'other') } })).toBe('hf_other_file');
    expect(await findToken({ env: { HF_HOME: join(home, 'missing') } })).toBeUndefined();
  });

  it('reads the token from --token-file, which wins over HF_TOKEN', async () => {
    const tdir = await mkdtemp(join(tmpdir(), 'sftforge-token-'));
    await writeFile(join(tdir, 'token'), `\n${TOKEN}\n`);
    await pushDataset(h.opts({ dir, repo: 'alice/d', tokenFile: join(tdir, 'token'), env: { HF_TOKEN: 'hf_bob_token_0123456789' } }));
    expect(hub.repos.get('alice/d')?.owner).toBe('alice');
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d', tokenFile: join(tdir, 'missing') })));
    expect(e).toBeInstanceOf(NoTokenError);
    expect(e.message).toMatch(/--token-file .*missing: cannot read it \(ENOENT\)/);
  });

  it('a value that is not a Hub token is refused before any request, without echoing it', async () => {
    const secret = 'sk-proj-notahubtoken12345';
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d', env: { HF_TOKEN: secret } })), secret);
    expect(e).toBeInstanceOf(TokenRefusedError);
    expect(e.message).toMatch(/^HF_TOKEN does not hold a Hugging Face token/);
    expect(hub.requests).toHaveLength(0);
  });

  it('a token the Hub refuses (401)', async () => {
    const secret = 'hf_revoked_token_abcdefghij';
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d', env: { HF_TOKEN: secret } })), secret);
    expect(e).toBeInstanceOf(TokenRefusedError);
    expect(e.message).toBe(
      `the Hub at ${hub.url} refused the token (401: Invalid credentials in Authorization header): set HF_TOKEN or --token-file to a valid token from https://huggingface.co/settings/tokens`,
    );
    expectNoTokenLeak(hub, h.logs, secret);
  });
});

describe('repository', () => {
  it("a repo in someone else's namespace is refused before hashing or uploading anything", async () => {
    hub.addRepo('bob/chat', 'bob');
    const e = await failure(pushDataset(h.opts({ dir, repo: 'bob/chat' })));
    expect(e).toBeInstanceOf(RepoAccessError);
    expect(e.message).toBe('dataset bob/chat belongs to "bob", which is not you (alice) nor one of your organizations (alice-lab): push to --repo alice/chat, or join "bob" on the Hub');
    expect(hub.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('a 403 from the Hub (e.g. a read-only token) says what to do', async () => {
    hub.failures.push({ method: 'POST', path: /\/preupload\//, status: 403, error: 'This token has read access only' });
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d' })));
    expect(e).toBeInstanceOf(RepoAccessError);
    expect(e.message).toBe('no write access to dataset alice/d (403: This token has read access only): use a token with write permission, or push to a namespace you own');
  });

  it.each(['alice/bad--name', 'justaname', 'alice/x.git', 'alice/-lead', 'a/b/c', `alice/${'x'.repeat(97)}`])('rejects the id %s before any request', async (repo) => {
    const e = await failure(pushDataset(h.opts({ dir, repo })));
    expect(e).toBeInstanceOf(RepoNameError);
    expect(e.message).toContain(`--repo "${repo}" is not a valid dataset id`);
    expect(hub.requests).toHaveLength(0);
  });

  it('a name the Hub rejects (400 on create)', async () => {
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/reserved' })));
    expect(e).toBeInstanceOf(RepoNameError);
    expect(e.message).toBe('the Hub rejected the name alice/reserved (400: Invalid repo name: "reserved" is reserved): use letters, digits, "-", "_" and "." only, at most 96 characters');
  });

  it('a server error on commit is reported, and the retry commits without re-uploading shards', async () => {
    hub.failures.push({ method: 'POST', path: /\/commit\//, status: 500, error: 'Internal Error' });
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d' })));
    expect(e).toBeInstanceOf(HubResponseError);
    expect(e.message).toBe('the Hub answered 500 while committing to alice/d (Internal Error): try again later; the push resumes where it stopped');
    const puts = hub.uploads().length;
    expect(puts).toBe(2);
    await pushDataset(h.opts({ dir, repo: 'alice/d' }));
    expect(hub.uploads()).toHaveLength(puts);
    expect(hub.commits('alice/d')).toHaveLength(2);
  });
});

describe('network', () => {
  it('connection refused', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d', hubUrl: `http://127.0.0.1:${port}` })));
    expect(e).toBeInstanceOf(HubUnreachableError);
    expect(e.message).toBe(`cannot reach the Hub at http://127.0.0.1:${port} (ECONNREFUSED): check the network connection and --hub-url, then run the push again`);
  });

  it('unknown host (ENOTFOUND, as fetch reports it)', async () => {
    // No DNS lookup in tests: a fetch that fails the way undici does when getaddrinfo fails.
    const fetchFail = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND hub.example.invalid'), { code: 'ENOTFOUND' }) });
    }) as unknown as typeof fetch;
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d', hubUrl: 'https://hub.example.invalid', fetch: fetchFail })));
    expect(e).toBeInstanceOf(HubUnreachableError);
    expect(e.message).toBe('cannot reach the Hub at https://hub.example.invalid (ENOTFOUND): check the network connection and --hub-url, then run the push again');
  });
});

describe('folder', () => {
  async function expectNotADataset(path: string, pattern: RegExp) {
    const e = await failure(pushDataset(h.opts({ dir: path, repo: 'alice/d' })));
    expect(e).toBeInstanceOf(NotADatasetError);
    expect(e.message).toMatch(pattern);
    expect(hub.requests).toHaveLength(0);
  }

  it('an empty folder', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sftforge-empty-'));
    await expectNotADataset(d, /has no sftforge\.json and no \.jsonl with a \.report\.json; push takes the output folder of `sftforge tokenize`/);
  });

  it('a datasets folder that sftforge did not write', async () => {
    await rm(join(dir, 'sftforge.json'));
    await expectNotADataset(dir, /has no sftforge\.json: it looks like a datasets folder that sftforge did not write/);
  });

  it('a shard changed after tokenize wrote it: caught by its size offline, else by its sha256', async () => {
    const shard = join(dir, 'data-00001-of-00002.arrow');
    const original = await readFile(shard);
    await appendFile(shard, Buffer.from([0]));
    await expectNotADataset(dir, /data-00001-of-00002\.arrow: its size is \d+ bytes, sftforge\.json says \d+: the folder changed after tokenize wrote it; re-run `sftforge tokenize`$/);
    const flipped = Buffer.from(original);
    flipped[flipped.length - 1]! ^= 0xff;
    await writeFile(shard, flipped);
    const e = await failure(pushDataset(h.opts({ dir, repo: 'alice/d' })));
    expect(e).toBeInstanceOf(NotADatasetError);
    expect(e.message).toMatch(/data-00001-of-00002\.arrow: its sha256 differs from sftforge\.json: the folder changed/);
    expect(hub.requests.map((r) => r.url)).toEqual(['/api/whoami-v2']);
  });

  it('a manifest of another kind, or broken', async () => {
    await writeFile(join(dir, 'sftforge.json'), JSON.stringify({ kind: 'cleaned' }));
    await expectNotADataset(dir, /sftforge\.json: kind is "cleaned"/);
    await writeFile(join(dir, 'sftforge.json'), '{"kind": "tokenized", ');
    await expectNotADataset(dir, /sftforge\.json: is not valid JSON/);
    await writeFile(join(dir, 'sftforge.json'), JSON.stringify({ kind: 'tokenized', shards: [{ file: 'x.arrow', rows: 1, bytes: 1, sha256: 'nothex' }] }));
    await expectNotADataset(dir, /is not an sftforge manifest: shards\[0\]\.sha256: expected a hex sha256/);
  });

  it('a path that does not exist, a file of another type, JSONL without its report', async () => {
    await expectNotADataset(join(dir, 'nope'), /nope: no such file or folder/);
    await expectNotADataset(join(dir, 'state.json'), /push takes a folder written by `sftforge tokenize` or a \.jsonl file/);
    const j = await makeJsonlOutput(3);
    await rm(join(j.dir, 'clean.report.json'));
    await expectNotADataset(j.file, /clean\.jsonl: has no clean\.report\.json beside it/);
  });

  it('a shard that is not an Arrow stream', async () => {
    const d = await mkdtemp(join(tmpdir(), 'sftforge-bad-'));
    await mkdir(d, { recursive: true });
    const junk = Buffer.from('not arrow at all');
    await writeFile(join(d, 'data-00000-of-00001.arrow'), junk);
    const { createHash } = await import('node:crypto');
    await writeFile(
      join(d, 'sftforge.json'),
      JSON.stringify({ kind: 'tokenized', shards: [{ file: 'data-00000-of-00001.arrow', rows: 1, bytes: junk.length, sha256: createHash('sha256').update(junk).digest('hex') }] }),
    );
    await expectNotADataset(d, /data-00000-of-00001\.arrow: is not an Arrow IPC stream shard/);
  });
});

describe('scrubSecret', () => {
  it('removes the token and anything shaped like a Hub token', () => {
    expect(scrubSecret(`Bearer ${TOKEN} and hf_someOtherToken123`, TOKEN)).toBe('Bearer hf_*** and hf_***');
    expect(scrubSecret('odd-secret-value here', 'odd-secret-value')).toBe('hf_*** here');
  });
});
