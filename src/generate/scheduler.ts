/**
 * The dialogue phase: at most `concurrency` dialogues in flight, across sectors. Dialogue
 * indices of a sector start in order, and index j starts only while (done + in flight) < wanted;
 * an abandoned dialogue frees its slot for the next index. So the finished set is always the
 * first `wanted` non-abandoned indices — the same whatever the timing, the concurrency, or how
 * often the run was interrupted — and opening j always goes to dialogue j.
 */
import { UsageError } from '../core/errors.js';
import { runDialogue, emptyProgress, type DialogueContext } from './dialogue.js';
import { dialogueId, type DoneIndex } from './output.js';
import type { ResumeState } from './resume.js';
import type { Opening, Sector } from './types.js';

export interface SectorPlan {
  sector: Sector;
  wanted: number;
  openings: AsyncIterator<Opening>;
  /** A rank of a sharded run: its indices are firstIndex, firstIndex + indexStep, … (default 0, 1, …) and `openings` yields exactly theirs. */
  firstIndex?: number;
  indexStep?: number;
}

export interface SchedulerOptions {
  ctx: DialogueContext;
  plans: SectorPlan[];
  resume: ResumeState;
  runSeed: number;
  concurrency: number;
  /** Set when a stop was requested; checked before each new dialogue. */
  stopped: () => boolean;
  /** Called once with the first error, so the caller can stop the other workers. */
  onError?: (e: unknown) => void;
}

interface SectorState extends SectorPlan {
  next: number;
  step: number;
  inflight: number;
  done: DoneIndex;
  abandoned: Set<number>;
}

export async function runDialogues(o: SchedulerOptions): Promise<void> {
  const states: SectorState[] = o.plans.map((p) => ({
    ...p,
    next: p.firstIndex ?? 0,
    step: p.indexStep ?? 1,
    inflight: 0,
    done: o.resume.done,
    abandoned: o.resume.abandoned.get(p.sector) ?? new Set(),
  }));
  // Pulling the next job reads the openings file: one puller at a time keeps indices in order.
  let lock: Promise<unknown> = Promise.resolve();
  const nextJob = () => {
    const p = lock.then(pull);
    lock = p.catch(() => undefined);
    return p;
  };
  async function pull() {
    for (const s of states) {
      while (s.done.count(s.sector) + s.inflight < s.wanted) {
        const index = s.next;
        s.next += s.step;
        const r = await s.openings.next();
        if (r.done) {
          throw new UsageError(
            `the openings of sector ${s.sector} ran out at dialogue #${index} (${s.abandoned.size} abandoned so far)`,
            'raise openings_spare (or the fan-outs) in the config, or supply more materials/openings, then rerun the same command',
          );
        }
        if (s.done.has(s.sector, index) || s.abandoned.has(index)) continue;
        s.inflight++;
        return { s, index, opening: r.value };
      }
    }
    return undefined;
  }

  let failed = false;
  const fail = (e: unknown) => {
    if (!failed) o.onError?.(e);
    failed = true;
  };
  const worker = async () => {
    // Done lines still syncing: the worker starts its next dialogue meanwhile, and the finished
    // one counts as in flight until its line is on disk, so no extra dialogue is started.
    const syncing: Promise<void>[] = [];
    try {
      while (!o.stopped() && !failed) {
        const job = await nextJob();
        if (!job) return;
        const { s, index, opening } = job;
        const id = dialogueId(o.runSeed, s.sector, index);
        let handedOff = false;
        try {
          const progress = o.resume.partial.get(id) ?? emptyProgress();
          const out = await runDialogue(o.ctx, { id, sector: s.sector, index, opening }, progress);
          o.resume.partial.delete(id);
          if (out.kind === 'done') {
            handedOff = true;
            const p = out.at.then(
              (at) => {
                s.done.set(s.sector, index, at);
                s.inflight--;
              },
              (e: unknown) => {
                s.inflight--;
                throw e;
              },
            );
            p.catch(() => undefined); // awaited in the finally below
            syncing.push(p);
            if (syncing.length > 64) await Promise.all(syncing.splice(0, 32));
          } else s.abandoned.add(index);
        } finally {
          if (!handedOff) s.inflight--;
        }
      }
    } catch (e) {
      fail(e); // now, not after the syncs below: the first error is the one reported
      throw e;
    } finally {
      await Promise.all(syncing);
    }
  };
  // A failing worker (fatal error, stop) stops the others from starting dialogues; the ones in
  // flight stop at their next request through the caller's shouldStop.
  const guarded = () =>
    worker().catch((e: unknown) => {
      fail(e);
      throw e;
    });
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, o.concurrency) }, guarded));
  const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (first) throw first.reason;
}
