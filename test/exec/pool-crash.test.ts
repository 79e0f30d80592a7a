// A record that kills its worker (exit, out of memory, a throw, a hang) costs that record only:
// the others come through, in order, whatever the number of workers.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderedMap } from '../../src/exec/pool.js';
import { orderedBatches } from '../../src/format/pool.js';
import { cleanBatch, crashedClean } from '../../src/clean/clean-batch.js';
import { isReject } from '../../src/core/types.js';
import { collect, tempDir } from '../helpers/paths.js';

type Item = { n: number; kill?: 'exit' | 'throw' | 'oom' | 'hang' };

// Plain JS: worker threads load it as is (the project's workers are compiled to dist/).
const WORKER = `
export function map({ batch }) {
  return batch.map((it) => {
    if (it.kill === 'exit') process.exit(3);
    if (it.kill === 'throw') throw new RangeError('Maximum call stack size exceeded');
    if (it.kill === 'oom') { const hog = []; for (;;) hog.push(new Array(1e5).fill(hog.length)); }
    if (it.kill === 'hang') for (;;);
    return 'ok' + it.n;
  });
}
export async function mapAsync({ batch }) {
  return { items: map({ batch }), count: batch.length };
}
`;
const dir = tempDir();
const worker = join(dir, 'worker.mjs');
writeFileSync(worker, WORKER);

function* items(n: number, kills: Record<number, Item['kill']>): Generator<Item> {
  for (let i = 0; i < n; i++) yield kills[i] ? { n: i, kill: kills[i] } : { n: i };
}
async function* from<T>(it: Iterable<T>): AsyncGenerator<T> {
  yield* it;
}
const crashed = (it: Item, e: Error) => [`crash${it.n}:${(e as { code?: string }).code ?? e.name}`];

describe('orderedMap isolates the record that kills a worker', () => {
  it('exit, throw and out-of-memory in workers: one reject each, everything else in order', async () => {
    const kills: Record<number, Item['kill']> = { 3: 'exit', 11: 'throw', 17: 'oom' };
    const out = await collect(
      orderedMap<Item, string>(from(items(40, kills)), { workers: 2, module: worker, name: 'map', batchItems: 5, workerHeapMb: 24, onCrash: crashed }, () => {
        throw new Error('not used with workers');
      }),
    );
    expect(out).toHaveLength(40);
    const expected = Array.from({ length: 40 }, (_, i) => (kills[i] ? out[i] : `ok${i}`));
    expect(out).toEqual(expected);
    expect(out[3]).toMatch(/^crash3:/);
    expect(out[11]).toMatch(/^crash11:/);
    expect(out[17]).toBe('crash17:ERR_WORKER_OUT_OF_MEMORY');
  }, 60_000);

  it('a task past taskTimeoutMs ends its worker and costs only its record', async () => {
    const t0 = Date.now();
    const out = await collect(orderedMap<Item, string>(from(items(8, { 5: 'hang' })), { workers: 2, module: worker, name: 'map', batchItems: 4, taskTimeoutMs: 1500, onCrash: crashed }, () => []));
    expect(out.slice(0, 5)).toEqual(['ok0', 'ok1', 'ok2', 'ok3', 'ok4']);
    expect(out[5]).toMatch(/^crash5:/);
    expect(out.slice(6)).toEqual(['ok6', 'ok7']);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 30_000);

  it('without onCrash a crash still fails the run (no silent loss), and does not hang', async () => {
    await expect(collect(orderedMap<Item, string>(from(items(6, { 2: 'exit' })), { workers: 2, module: worker, name: 'map', batchItems: 2 }, () => []))).rejects.toThrow();
  }, 30_000);

  it('in this thread (workers 1): a throwing record is isolated the same way', async () => {
    const local = (b: Item[]) =>
      b.map((it) => {
        if (it.kill) throw new RangeError('Maximum call stack size exceeded');
        return 'ok' + it.n;
      });
    const out = await collect(orderedMap<Item, string>(from(items(9, { 4: 'throw' })), { workers: 1, module: worker, name: 'map', batchItems: 3, onCrash: crashed }, local));
    expect(out).toEqual(['ok0', 'ok1', 'ok2', 'ok3', 'crash4:RangeError', 'ok5', 'ok6', 'ok7', 'ok8']);
  });
});

describe('clean: a crashing record becomes a worker_crash reject with its id and raw text', () => {
  it('isolated through cleanBatch in this thread', async () => {
    const raws = ['a', 'boom', 'c'].map((id, i) => ({
      source: { file: 'in.jsonl', line: i + 1 },
      text: JSON.stringify({
        id,
        conversations: [
          { from: 'human', value: 'question ' + id },
          { from: 'gpt', value: 'a fine answer ' + id },
        ],
      }),
      dialect: 'auto' as const,
    }));
    const local = (b: typeof raws) => {
      if (b.some((r) => r.text.includes('"boom"'))) throw new Error('Maximum call stack size exceeded');
      return cleanBatch(b);
    };
    const out = await collect(orderedMap(from(raws), { workers: 1, module: worker, name: 'map', onCrash: crashedClean }, local));
    expect(out.map((x) => (isReject(x.out) ? `${x.out.reason}:${x.out.id}` : x.out.id))).toEqual(['a', 'worker_crash:boom', 'c']);
    expect(out[1]!.out).toMatchObject({ source: { line: 2 }, record: raws[1]!.text, detail: 'the worker failed on this record alone (Maximum call stack size exceeded)' });
  });
});

describe('orderedBatches (format pool) isolates too', () => {
  type Out = { items: string[]; count: number };
  const isolate = {
    crashed: (it: Item, e: Error): Out => ({ items: crashed(it, e), count: 0 }),
    merge: (parts: Out[]): Out => ({ items: parts.flatMap((p) => p.items), count: parts.reduce((n, p) => n + p.count, 0) }),
  };
  async function* batches(n: number, size: number, kills: Record<number, Item['kill']>): AsyncGenerator<Item[]> {
    const all = [...items(n, kills)];
    for (let i = 0; i < n; i += size) yield all.slice(i, i + size);
  }

  it('a worker killed by one record: that record is a crash result, its batch-mates and the rest come through in order', async () => {
    const out = await collect(orderedBatches<Item, Out>(batches(12, 4, { 6: 'exit' }), { workers: 2, shared: null, module: worker, name: 'mapAsync', isolate }, async () => ({ items: [], count: 0 })));
    expect(out.map((o) => o.items)).toEqual([
      ['ok0', 'ok1', 'ok2', 'ok3'],
      ['ok4', 'ok5', out[1]!.items[2], 'ok7'],
      ['ok8', 'ok9', 'ok10', 'ok11'],
    ]);
    expect(out[1]!.items[2]).toMatch(/^crash6:/);
    expect(out[1]!.count).toBe(3);
  }, 30_000);

  it('in this thread: a rejecting batch is split and merged the same way', async () => {
    const local = async (b: Item[]): Promise<Out> => {
      if (b.some((x) => x.kill)) throw new Error('bad record');
      return { items: b.map((x) => 'ok' + x.n), count: b.length };
    };
    const out = await collect(orderedBatches<Item, Out>(batches(6, 3, { 1: 'throw' }), { workers: 1, shared: null, isolate }, local));
    expect(out.map((o) => o.items)).toEqual([
      ['ok0', 'crash1:Error', 'ok2'],
      ['ok3', 'ok4', 'ok5'],
    ]);
  });
});
