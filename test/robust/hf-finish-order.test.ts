// HfDatasetWriter.finish writes state.json before it removes an earlier run's shards: a failure
// in between leaves the earlier dataset whole (its state.json and every shard it names).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HfDatasetWriter, shardName } from '../../src/format/writers/hf-dataset.js';
import { tempName } from '../../src/io/atomic.js';
import { tempDir } from '../helpers/paths.js';

const row = (i: number) => ({ id: `r${i}`, input_ids: Int32Array.from([1, 2, i]), labels: Int32Array.from([-100, 2, i]) });
const oldState = (n: number) => JSON.stringify({ _data_files: Array.from({ length: n }, (_, i) => ({ filename: shardName(i, n) })) });

describe('HfDatasetWriter.finish order', () => {
  it('when state.json cannot be written, the old shards it names are all still there', async () => {
    const dir = tempDir();
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, shardName(i, 3)), 'old shard');
    writeFileSync(join(dir, 'state.json'), oldState(3));
    symlinkSync('/dev/full', tempName(join(dir, 'state.json'))); // the disk fills at that write
    const w = new HfDatasetWriter(dir, { lossWeights: false, packed: false });
    for (let i = 0; i < 5; i++) await w.write(row(i));
    await expect(w.finish()).rejects.toThrow(/no space left/);
    const names = readdirSync(dir);
    const named = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { _data_files: { filename: string }[] })._data_files.map((f) => f.filename);
    for (const f of named) expect(names).toContain(f);
  });

  it('on success the new state.json names exactly the shards left', async () => {
    const dir = tempDir();
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, shardName(i, 3)), 'old shard');
    writeFileSync(join(dir, 'state.json'), oldState(3));
    const w = new HfDatasetWriter(dir, { lossWeights: false, packed: false });
    for (let i = 0; i < 5; i++) await w.write(row(i));
    const s = await w.finish();
    expect(s.shards.map((x) => x.file)).toEqual([shardName(0, 1)]);
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.arrow'))
        .sort(),
    ).toEqual([shardName(0, 1)]);
    expect(readdirSync(dir).sort()).toEqual(['data-00000-of-00001.arrow', 'dataset_info.json', 'state.json']);
  });
});
