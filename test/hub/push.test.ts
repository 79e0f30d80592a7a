import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RecordBatchReader } from 'apache-arrow';
import { pushDataset, splitFrontMatter, UploadInterruptedError } from '../../src/hub/index.js';
import type { FakeHub } from './fake-hub.js';
import { makeJsonlOutput, makeTokenizedFolder } from './fixtures.js';
import { calls, type Harness, useFakeHub } from './helpers.js';

let hub: FakeHub;
let h: Harness;
const REPO = 'alice/sft-data';

useFakeHub((a, b) => {
  hub = a;
  h = b;
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('pushDataset: tokenized folder', () => {
  it('creates the repo and commits shards, manifest, stats and card in one commit; files arrive byte for byte', async () => {
    const fx = await makeTokenizedFolder({ rows: 30, shards: 3 });
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));

    expect(res.createRepo).toBe(true);
    expect(hub.commits(REPO)).toHaveLength(2); // the repo's initial commit + ours
    expect(res.commit?.oid).toBe(hub.commits(REPO).at(-1)!.oid);
    for (const [i, s] of fx.shards.entries()) {
      const stored = hub.stored(REPO, `data/train-0000${i}-of-00003.arrow`);
      expect(stored?.lfs).toBe(true);
      expect(stored!.content.equals(s.bytes)).toBe(true);
    }
    expect(hub.file(REPO, 'sftforge.json')!.equals(await readFile(join(fx.dir, 'sftforge.json')))).toBe(true);
    expect(hub.file(REPO, 'stats.json')!.equals(await readFile(join(fx.dir, 'stats.json')))).toBe(true);
    expect(hub.file(REPO, 'README.md')!.toString()).toBe(res.card);
    // save_to_disk bookkeeping stays home: it would confuse a reader of the repo.
    expect(hub.file(REPO, 'state.json')).toBeUndefined();
    expect(hub.file(REPO, 'dataset_info.json')).toBeUndefined();
    // Every shard went through LFS, once.
    expect(hub.uploads().sort()).toEqual(fx.shards.map((s) => sha(s.bytes)).sort());
    expect(res.upload.map((f) => f.path).sort()).toEqual([
      'README.md',
      'data/train-00000-of-00003.arrow',
      'data/train-00001-of-00003.arrow',
      'data/train-00002-of-00003.arrow',
      'sftforge.json',
      'stats.json',
    ]);
  });

  it("the uploaded shards read back as Arrow IPC streams with every row (what datasets' arrow builder opens)", async () => {
    const fx = await makeTokenizedFolder({ rows: 11, shards: 2 });
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    const ids: string[] = [];
    for (const i of [0, 1]) {
      const reader = RecordBatchReader.from(hub.file(REPO, `data/train-0000${i}-of-00002.arrow`)!);
      expect(reader.isStream()).toBe(true);
      for (const batch of reader) for (const row of batch) ids.push(String(row.id));
    }
    expect(ids).toEqual(fx.rows.map((r) => r.id));
  });

  it('writes a card whose YAML names the data files and gives exact split sizes and features', async () => {
    const fx = await makeTokenizedFolder({ rows: 30, shards: 3 });
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO, license: 'apache-2.0' }));
    const { meta, body } = splitFrontMatter(hub.file(REPO, 'README.md')!.toString());
    const reparsed = parse(hub.file(REPO, 'README.md')!.toString().split('---\n')[1]!);
    expect(reparsed).toEqual(meta);
    expect(meta.configs).toEqual([{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train-*.arrow' }] }]);
    const info = meta.dataset_info as Record<string, unknown>;
    expect(info.features).toEqual([
      { name: 'id', dtype: 'string' },
      { name: 'input_ids', list: 'int32' },
      { name: 'labels', list: 'int32' },
      { name: 'loss_weights', list: 'float32' },
    ]);
    const shardBytes = fx.shards.reduce((s, x) => s + x.bytes.length, 0);
    expect(info.splits).toEqual([{ name: 'train', num_bytes: shardBytes, num_examples: 30 }]);
    expect(info.download_size).toBe(shardBytes);
    expect(meta.license).toBe('apache-2.0');
    expect(meta.size_categories).toEqual(['n<1K']);
    expect(meta.task_categories).toEqual(['text-generation']);
    expect(meta.tags).toEqual(expect.arrayContaining(['sft', 'sftforge', 'tokenized', 'chatml']));
    expect(body).toContain('load_dataset("alice/sft-data", split="train")');
    expect(body).toMatch(/\| mtld \| 61\.235 \| UltraChat: 74\.3 \|/);
    expect(body).toMatch(/\| `duplicate` \| 4 \|\n\| `empty_turn` \| 2 \|\n\| `too_long` \| 1 \|\n\| \*\*total\*\* \| 7 \|/);
    expect(body).toContain('| chat template | chatml |');
    expect(body).toContain('| pipeline file | `pipelines/sharegpt.yaml` |');
    expect(body).toContain('| tokenizer | example-org/chat-tokenizer |\n| tokenizer sha256 | `abababababababab` |\n| vocabulary size | 151,669 |');
    expect(body).toContain('| added tokens | `<\\|im_start\\|>` `<\\|im_end\\|>` |');
    // Row conv-0: 7 untrained prompt tokens, then 4 answer tokens + EOS trained.
    expect(body).toContain('1 100 101 102 103 104 105 ⟦1000 1001 1002 1003 2⟧');
  });

  it('makes no commit and sends nothing when the folder is unchanged', async () => {
    const fx = await makeTokenizedFolder();
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    const commits = hub.commits(REPO).length;
    const from = hub.requests.length;
    const again = await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    expect(hub.commits(REPO)).toHaveLength(commits);
    expect(again.commit).toBeUndefined();
    expect(again.upload).toEqual([]);
    expect(again.skip).toHaveLength(5);
    expect(calls(hub, from)).toEqual(['GET /api/whoami-v2', 'GET /api/datasets/alice/sft-data/tree/main']);
    expect(h.logs.at(-1)).toMatch(/up to date.*no commit made/);
  });

  it('resumes after a connection dropped mid-upload: the second run sends only what is missing', async () => {
    const fx = await makeTokenizedFolder({ rows: 30, shards: 3 });
    const oids = fx.shards.map((s) => sha(s.bytes));
    hub.dropUpload = { oid: oids[1]!, afterStored: 2 };
    const err = await pushDataset(h.opts({ dir: fx.dir, repo: REPO })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadInterruptedError);
    expect((err as Error).message).toMatch(
      /^the connection to http:\/\/127\.0\.0\.1:\d+ broke while uploading to alice\/sft-data \((UND_ERR_SOCKET|ECONNRESET|EPIPE)\): run the same push again; files already uploaded are not sent again$/,
    );
    expect((err as Error).message).not.toContain('\n');
    expect(hub.commits(REPO)).toHaveLength(1); // nothing committed
    expect([...hub.lfs.keys()].sort()).toEqual([oids[0], oids[2]].sort());

    const putsBefore = hub.uploads().length;
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    expect(hub.uploads().slice(putsBefore)).toEqual([oids[1]]);
    expect(res.createRepo).toBe(false);
    expect(hub.commits(REPO)).toHaveLength(2);
    for (const [i, s] of fx.shards.entries()) expect(hub.file(REPO, `data/train-0000${i}-of-00003.arrow`)!.equals(s.bytes)).toBe(true);
    expect(h.logs).toContain(`already on the Hub data/train-00000-of-00003.arrow (${fx.shards[0]!.bytes.length} bytes)`);
    expect(h.logs).toContain(`uploaded data/train-00001-of-00003.arrow (${fx.shards[1]!.bytes.length} bytes)`);
  });

  it('Ctrl-C (an aborted signal) stops before the commit; the next run resumes', async () => {
    const fx = await makeTokenizedFolder({ rows: 30, shards: 3 });
    const ac = new AbortController();
    const o = h.opts({ dir: fx.dir, repo: REPO, signal: ac.signal });
    const err = await pushDataset({ ...o, log: (l) => (h.logs.push(l), l.startsWith('uploaded') && ac.abort()) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadInterruptedError);
    expect((err as Error).message).toBe(`push to ${REPO} interrupted before its commit: run the same push again; files already uploaded are not sent again`);
    expect(hub.commits(REPO)).toHaveLength(1);
    const stored = hub.lfs.size;
    expect(stored).toBeGreaterThanOrEqual(1);
    const puts = hub.uploads().length;
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    expect(hub.uploads().length - puts).toBe(3 - stored);
    for (const [i, s] of fx.shards.entries()) expect(hub.file(REPO, `data/train-0000${i}-of-00003.arrow`)!.equals(s.bytes)).toBe(true);
  });

  it('uploads only the changed files and deletes shards the new push does not have', async () => {
    const fx = await makeTokenizedFolder({ rows: 30, shards: 3 });
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    const fx2 = await makeTokenizedFolder({ rows: 30, shards: 2, dir: fx.dir });
    const res = await pushDataset(h.opts({ dir: fx2.dir, repo: REPO, message: 'Re-shard' }));
    expect(res.delete).toEqual(['data/train-00000-of-00003.arrow', 'data/train-00001-of-00003.arrow', 'data/train-00002-of-00003.arrow']);
    expect(res.skip.map((f) => f.path)).toEqual(['stats.json']);
    const last = hub.commits(REPO).at(-1)!;
    expect(last.title).toBe('Re-shard');
    expect([...last.files.keys()].filter((p) => p.startsWith('data/')).sort()).toEqual(['data/train-00000-of-00002.arrow', 'data/train-00001-of-00002.arrow']);
  });

  it('commits to a new branch when --revision names one, leaving main alone', async () => {
    const fx = await makeTokenizedFolder();
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    const mainHead = hub.commits(REPO).at(-1)!.oid;
    await writeFile(join(fx.dir, 'stats.json'), JSON.stringify({ mtld: 70 }));
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO, revision: 'v2' }));
    expect(res.createBranch).toBe(true);
    expect(hub.commits(REPO).at(-1)!.oid).toBe(mainHead);
    expect(JSON.parse(hub.file(REPO, 'stats.json', 'v2')!.toString())).toEqual({ mtld: 70 });
    expect(res.upload.map((f) => f.path).sort()).toEqual(['README.md', 'stats.json']);
  });

  it('says so when it replaces a README that sftforge did not write, and not when it replaces its own', async () => {
    hub.addRepo(REPO, 'alice');
    hub.commits(REPO)[0]!.files.set('README.md', { content: Buffer.from('# Written by hand\n'), lfs: false });
    const fx = await makeTokenizedFolder();
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    const note = 'note: README.md on the Hub was not written by sftforge and is replaced by the generated card; pass --card FILE (e.g. a copy of it) to keep its text';
    expect(h.logs).toContain(note);
    expect(hub.file(REPO, 'README.md')!.toString()).toMatch(/<!-- generated by sftforge push -->\n$/);
    h.logs.length = 0;
    await writeFile(join(fx.dir, 'stats.json'), JSON.stringify({ mtld: 71 }));
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    expect(h.logs).not.toContain(note);
    expect(hub.commits(REPO)).toHaveLength(3);
  });

  it('creates the repo private with --private', async () => {
    const fx = await makeTokenizedFolder({ rows: 4, shards: 1 });
    await pushDataset(h.opts({ dir: fx.dir, repo: 'alice-lab/private-set', private: true }));
    const create = hub.requests.find((r) => r.url === '/api/repos/create')!;
    expect(JSON.parse(create.body.toString())).toMatchObject({ name: 'private-set', organization: 'alice-lab', type: 'dataset', visibility: 'private' });
    expect(hub.repos.get('alice-lab/private-set')?.private).toBe(true);
  });
});

describe('pushDataset: --dry-run', () => {
  it('reports what would be created and uploaded, and writes nothing', async () => {
    const fx = await makeTokenizedFolder();
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO, dryRun: true }));
    expect(res.dryRun).toBe(true);
    expect(res.createRepo).toBe(true);
    expect(res.upload).toHaveLength(5);
    expect(hub.repos.size).toBe(0);
    expect(hub.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('tells apart files to upload and files already there', async () => {
    const fx = await makeTokenizedFolder();
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    await writeFile(join(fx.dir, 'stats.json'), JSON.stringify({ mtld: 80 }));
    const from = hub.requests.length;
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO, dryRun: true }));
    expect(res.upload.map((f) => f.path).sort()).toEqual(['README.md', 'stats.json']);
    expect(res.skip.map((f) => f.path).sort()).toEqual(['data/train-00000-of-00002.arrow', 'data/train-00001-of-00002.arrow', 'sftforge.json']);
    expect(hub.requests.slice(from).every((r) => r.method === 'GET')).toBe(true);
  });

  it('works without a token on a public repo', async () => {
    const fx = await makeTokenizedFolder();
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    const from = hub.requests.length;
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO, dryRun: true, env: { HF_HOME: '/nonexistent-hf-home' } }));
    expect(res.upload).toEqual([]);
    expect(hub.requests.slice(from).every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('pushDataset: JSONL output', () => {
  it('pushes a cleaned .jsonl with its report; the card points load_dataset at it', async () => {
    const fx = await makeJsonlOutput(12);
    const res = await pushDataset(h.opts({ dir: fx.file, repo: REPO }));
    expect(hub.file(REPO, 'data/train.jsonl')!.equals(fx.bytes)).toBe(true);
    expect(JSON.parse(hub.file(REPO, 'sftforge.report.json')!.toString())).toEqual(fx.report);
    const { meta, body } = splitFrontMatter(res.card);
    expect(meta.configs).toEqual([{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train.jsonl' }] }]);
    expect((meta.dataset_info as { splits: unknown }).splits).toEqual([{ name: 'train', num_bytes: fx.bytes.length, num_examples: 12 }]);
    expect(body).toContain('| `duplicate` | 2 |');
    // The folder form finds the same file.
    const again = await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    expect(again.commit).toBeUndefined();
  });
});
