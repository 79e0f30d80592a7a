/**
 * write_hf loads its Arrow writers (apache-arrow) only once the first row arrives, holding rows
 * until they are loaded (at most a record batch's worth, then it waits): every row still reaches
 * the shard once, in input order, in record batches of 1000 as before; an empty input still gets
 * its empty dataset; a row without the split tag still fails the run at that row.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { runPipeline } from '../../src/index.js';
import { tempDir } from '../helpers/paths.js';

const tmp = tempDir('sftforge-write-hf-deferred-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function input(name: string, n: number): string {
  const p = join(tmp, `${name}.jsonl`);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `c${i}`,
      messages: [
        { role: 'user', content: `Question ${i}?` },
        { role: 'assistant', content: `Answer ${i}.` },
      ],
    }),
  );
  writeFileSync(p, lines.join('\n') + (n ? '\n' : ''));
  return p;
}

function batches(dir: string): { rows: number; ids: string[] }[] {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { _data_files: { filename: string }[] };
  return state._data_files.flatMap((f) =>
    [...RecordBatchReader.from(readFileSync(join(dir, f.filename)))].map((b) => ({ rows: b.numRows, ids: Array.from({ length: b.numRows }, (_, i) => String(b.get(i)!.id)) })),
  );
}

describe('write_hf with the writers loaded on the first row', () => {
  it('2500 rows: all of them, in order, in record batches of 1000, 1000, 500', async () => {
    const dir = join(tmp, 'many');
    await runPipeline({
      name: 'many',
      steps: [
        { stage: 'read', paths: [input('many', 2500)] },
        { stage: 'write_hf', path: dir },
      ],
    });
    const got = batches(dir);
    expect(got.map((b) => b.rows)).toEqual([1000, 1000, 500]);
    expect(got.flatMap((b) => b.ids)).toEqual(Array.from({ length: 2500 }, (_, i) => `c${i}`));
    expect(JSON.parse(readFileSync(join(dir, 'sftforge.json'), 'utf8')).rows).toBe(2500);
  }, 60_000);

  it('no rows: an empty dataset all the same', async () => {
    const dir = join(tmp, 'empty');
    await runPipeline({
      name: 'empty',
      steps: [
        { stage: 'read', paths: [input('empty', 0)] },
        { stage: 'write_hf', path: dir },
      ],
    });
    expect(batches(dir).reduce((n, b) => n + b.rows, 0)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'sftforge.json'), 'utf8')).rows).toBe(0);
  }, 60_000);
});
