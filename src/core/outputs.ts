/**
 * The outputs of one run, committed as a set: every writer writes under temporary names and
 * registers here. At the end the runner calls `prepare` on all of them (flush, close: where a full
 * disk shows up), and only when every one succeeded `commit` (renames). If anything failed, every
 * output is aborted and its temporary files removed: a run leaves all its outputs or none.
 */
export interface Committable {
  /** Finish writing under the temporary name; may fail (disk full). */
  prepare(): Promise<void>;
  /** Move into place; cheap. */
  commit(): Promise<void>;
  /** Remove temporary files; must not throw. */
  abort(): Promise<void>;
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
      for (const c of this.items) await c.prepare();
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
