import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { arrowStreamToParquet, pushDataset, splitFrontMatter } from '../../src/hub/index.js';
import type { FakeHub } from './fake-hub.js';
import { fixtureRow, makeTokenizedFolder, shardBytes } from './fixtures.js';
import { type Harness, useFakeHub } from './helpers.js';

let hub: FakeHub;
let h: Harness;
const REPO = 'alice/sft-parquet';

useFakeHub((a, b) => {
  hub = a;
  h = b;
});

const arrayBuffer = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('arrowStreamToParquet', () => {
  const rows = Array.from({ length: 9 }, (_, r) => fixtureRow(r));
  const pq = arrowStreamToParquet(shardBytes(rows));

  it('writes list<int32> / list<float32> as standard 3-level LIST columns, read back exactly by an independent reader', async () => {
    const md = parquetMetadata(arrayBuffer(pq));
    const byName = new Map(md.schema.map((e) => [e.name, e]));
    expect(byName.get('input_ids')).toMatchObject({ converted_type: 'LIST', repetition_type: 'OPTIONAL' });
    expect(byName.get('list')).toMatchObject({ repetition_type: 'REPEATED' });
    expect(md.schema.filter((e) => e.name === 'item').map((e) => e.type)).toEqual(['INT32', 'INT32', 'FLOAT']);
    // The Arrow schema rides along, so pyarrow/datasets restore the exact types.
    expect(md.key_value_metadata?.map((k) => k.key)).toContain('ARROW:schema');
    const back = await parquetReadObjects({ file: arrayBuffer(pq) });
    expect(back).toEqual(rows);
  });

  it('is deterministic: the same shard gives the same bytes', () => {
    expect(Buffer.from(arrowStreamToParquet(shardBytes(rows))).equals(Buffer.from(pq))).toBe(true);
  });
});

describe('pushDataset --parquet', () => {
  it('uploads Parquet shards that hold every row, names them in the card, and re-pushes as a no-op', async () => {
    const fx = await makeTokenizedFolder({ rows: 25, shards: 2 });
    const workDir = await mkdtemp(join(tmpdir(), 'sftforge-pq-work-'));
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO, parquet: true, workDir }));
    const got: unknown[] = [];
    for (const i of [0, 1]) {
      const stored = hub.stored(REPO, `data/train-0000${i}-of-00002.parquet`)!;
      expect(stored.lfs).toBe(true);
      got.push(...(await parquetReadObjects({ file: arrayBuffer(stored.content) })));
    }
    expect(got).toEqual(fx.rows);
    expect(hub.file(REPO, 'data/train-00000-of-00002.arrow')).toBeUndefined();
    const { meta } = splitFrontMatter(res.card);
    expect(meta.configs).toEqual([{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train-*.parquet' }] }]);
    const info = meta.dataset_info as { download_size: number; dataset_size: number; splits: { num_examples: number }[] };
    expect(info.splits[0]!.num_examples).toBe(25);
    expect(info.download_size).toBe(res.upload.filter((f) => f.path.endsWith('.parquet')).reduce((s, f) => s + f.size, 0));
    expect(info.dataset_size).toBe(fx.shards.reduce((s, x) => s + x.bytes.length, 0));
    expect(await readdir(workDir).catch(() => [])).toEqual([]); // conversions cleaned up after success

    const commits = hub.commits(REPO).length;
    const again = await pushDataset(h.opts({ dir: fx.dir, repo: REPO, parquet: true }));
    expect(again.commit).toBeUndefined();
    expect(hub.commits(REPO)).toHaveLength(commits);
  });

  it('switching a repo from Arrow to Parquet replaces the shards in one commit', async () => {
    const fx = await makeTokenizedFolder({ rows: 10, shards: 2 });
    await pushDataset(h.opts({ dir: fx.dir, repo: REPO }));
    const res = await pushDataset(h.opts({ dir: fx.dir, repo: REPO, parquet: true }));
    expect(res.delete).toEqual(['data/train-00000-of-00002.arrow', 'data/train-00001-of-00002.arrow']);
    const files = [...hub.commits(REPO).at(-1)!.files.keys()].filter((p) => p.startsWith('data/'));
    expect(files.sort()).toEqual(['data/train-00000-of-00002.parquet', 'data/train-00001-of-00002.parquet']);
    expect(hub.commits(REPO)).toHaveLength(3);
  });

  it('pushes a tokenize --format parquet-openchat folder as it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sftforge-openchat-'));
    const bytes = Buffer.from(arrowStreamToParquet(shardBytes([0, 1, 2].map(fixtureRow))));
    await writeFile(join(dir, 'openchat.train.parquet'), bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await writeFile(
      join(dir, 'sftforge.json'),
      JSON.stringify({
        kind: 'tokenized',
        format: 'parquet-openchat',
        rows: 3,
        shards: [{ file: 'openchat.train.parquet', rows: 3, bytes: bytes.length, sha256: sha }],
        features: { parquet: 'openchat' },
      }),
    );
    const res = await pushDataset(h.opts({ dir, repo: REPO, parquet: true }));
    expect(hub.file(REPO, 'data/train-00000-of-00001.parquet')!.equals(bytes)).toBe(true);
    expect(h.logs).toContain(`note: ${dir} already holds Parquet; it is pushed as it is`);
    const { meta } = splitFrontMatter(res.card);
    expect(meta.configs).toEqual([{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train-*.parquet' }] }]);
    // No Arrow schema at hand: features are left to the Parquet reader rather than guessed.
    expect(meta.dataset_info).toEqual({ splits: [{ name: 'train', num_bytes: bytes.length, num_examples: 3 }], download_size: bytes.length, dataset_size: bytes.length });
  });
});
