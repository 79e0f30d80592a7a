/**
 * The outputs of one run, committed as a set: every writer writes under temporary names and
 * registers here. At the end the runner calls `prepare` on all of them (flush, close: where a full
 * disk shows up), and only when every one succeeded `commit` (renames). If anything failed, every
 * output is aborted and its temporary files removed: a run leaves all its outputs or none.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir, tempName } from './atomic.js';
import { describeFsError } from './errors.js';

export interface Committable {
  /** Finish writing under the temporary name; may fail (disk full). */
  prepare(): Promise<void>;
  /** Move into place; cheap. */
  commit(): Promise<void>;
  /** Remove temporary files; must not throw. */
  abort(): Promise<void>;
  /** Its prepare already puts files in place (a shard folder): prepared after every other output, so that a failure elsewhere is found first. */
  late?: boolean;
}

/** Anything with finish/publish/abort (the writers of src/io/atomic.ts) as a Committable. */
export function committable(w: { finish(): Promise<void>; publish(): Promise<void>; abort(): Promise<void> }): Committable {
  return { prepare: () => w.finish(), commit: () => w.publish(), abort: () => w.abort() };
}

export class OutputSet {
  private readonly items: Committable[] = [];
  private state: 'open' | 'committed' | 'aborted' = 'open';

  add<T extends Committable>(c: T): T {
    if (this.state !== 'open') throw new Error('output registered after the run ended');
    this.items.push(c);
    return c;
  }

  get size(): number {
    return this.items.length;
  }

  async commitAll(): Promise<void> {
    if (this.state !== 'open') return;
    try {
      for (const c of [...this.items.filter((c) => !c.late), ...this.items.filter((c) => c.late)]) await c.prepare();
    } catch (e) {
      await this.abortAll();
      throw e;
    }
    this.state = 'committed';
    for (const c of this.items) await c.commit();
  }

  async abortAll(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    for (const c of this.items) await c.abort().catch(() => undefined);
  }
}

/**
 * A small file written in full at prepare (under a temporary name, where a full disk or a
 * read-only folder shows up) and renamed at commit.
 */
export function fileOutput(path: string, data: () => string | Uint8Array): Committable {
  const tmp = tempName(path);
  return {
    prepare: async () => {
      try {
        await ensureDir(dirname(path));
        await writeFile(tmp, data());
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw describeFsError(e, path) ?? e;
      }
    },
    commit: () => rename(tmp, path),
    abort: () => rm(tmp, { force: true }).catch(() => undefined),
  };
}
