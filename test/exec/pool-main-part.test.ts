// orderedMap with mainTakesPart: the main thread cleans the batches its threads have no room for.
// Whoever runs a batch, the results come out in input order, and a record that kills a thread
// still costs only itself.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderedMap } from '../../src/exec/pool.js';
import { collect, tempDir } from '../helpers/paths.js';

type Item = { n: number; kill?: 'exit' };

// Each item costs the thread ~2 ms, so the main thread (which costs nothing) must take part.
const WORKER = `
export function map({ batch }) {
  return batch.map((it) => {
    if (it.kill === 'exit') process.exit(3);
    const end = Date.now() + 2;
    while (Date.now() < end);
    return 'ok' + it.n;
  });
}
`;
const dir = tempDir();
const worker = join(dir, 'worker.mjs');
writeFileSync(worker, WORKER);

async function* items(n: number, kills: Record<number, Item['kill']> = {}): AsyncGenerator<Item> {
  for (let i = 0; i < n; i++) yield kills[i] ? { n: i, kill: kills[i] } : { n: i };
}

describe('orderedMap with mainTakesPart', () => {
  it('main thread and threads both run batches; the output is in input order', async () => {
    for (const workers of [2, 3]) {
      let local = 0;
      const out = await collect(
        orderedMap<Item, string>(items(400), { workers, module: worker, name: 'map', batchItems: 4, mainTakesPart: true }, (b) => {
          local++;
          return b.map((x) => 'ok' + x.n);
        }),
      );
      expect(out).toEqual(Array.from({ length: 400 }, (_, i) => `ok${i}`));
      // 100 batches: the threads got some, the main thread the rest.
      expect(local).toBeGreaterThan(0);
      expect(local).toBeLessThan(100);
    }
  }, 60_000);

  it('a one-batch input runs here and starts no thread', async () => {
    let local = 0;
    const out = await collect(
      orderedMap<Item, string>(items(3), { workers: 4, module: join(dir, 'missing.mjs'), name: 'map', batchItems: 4, mainTakesPart: true }, (b) => {
        local++;
        return b.map((x) => 'ok' + x.n);
      }),
    );
    expect(out).toEqual(['ok0', 'ok1', 'ok2']);
    expect(local).toBe(1);
  });

  it('a record that kills its thread costs only itself', async () => {
    // Here the record throws; in a thread it ends the thread: either way it alone becomes a crash.
    const local = (b: Item[]): string[] =>
      b.map((x) => {
        if (x.kill) throw new Error('killed');
        return 'ok' + x.n;
      });
    for (const kill of [1, 13, 39]) {
      const out = await collect(
        orderedMap<Item, string>(items(40, { [kill]: 'exit' }), { workers: 2, module: worker, name: 'map', batchItems: 2, mainTakesPart: true, onCrash: (it) => [`crash${it.n}`] }, local),
      );
      expect(out).toEqual(Array.from({ length: 40 }, (_, i) => (i === kill ? `crash${i}` : `ok${i}`)));
    }
  }, 60_000);
});
