/** A stage context for calling `stage.run(...)` directly in tests, before or without the runner. */
import { OutputSet } from '../../src/core/outputs.js';
import type { Item, StageContext } from '../../src/core/stage.js';
import { StageStats } from '../../src/core/stats.js';
import { tempDir } from './paths.js';

export interface FakeContext extends StageContext {
  readonly stats: StageStats;
  readonly outputs: OutputSet;
}

export function fakeCtx(name: string, o: Partial<Pick<StageContext, 'rank' | 'worldSize' | 'signal' | 'workDir'>> = {}): FakeContext {
  return {
    rank: o.rank ?? 0,
    worldSize: o.worldSize ?? 1,
    mine: () => true,
    stats: new StageStats(name),
    signal: o.signal ?? new AbortController().signal,
    workDir: o.workDir ?? tempDir('sftforge-stage-'),
    outputs: new OutputSet(),
    workers: 1,
    quiet: true,
    log: () => {},
  };
}

export async function* asyncIterableOf<T = Item>(items: readonly T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}
