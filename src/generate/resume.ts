/**
 * Reading a journal back on start: which seed lists are already paid for, which dialogues are
 * done or abandoned (and where their lines are), how far each unfinished dialogue got, and the
 * spend so far. Unfinished dialogues are at most the number that were in flight, so memory holds
 * only those; finished ones are kept as 12-byte locations.
 */
import { UsageError } from '../core/errors.js';
import type { Budget } from './budget.js';
import { emptyProgress, type DialogueProgress } from './dialogue.js';
import { scanJournal, type JournalEntry } from './journal.js';
import type { SeedState } from './openings/seeds.js';
import { DoneIndex } from './output.js';
import { addUsage, type ModelRole, type Sector } from './types.js';
import type { TurnRejectReason } from './validate.js';

export interface ResumeState {
  header: Extract<JournalEntry, { t: 'hdr' }> | undefined;
  seeds: SeedState;
  partial: Map<string, DialogueProgress>;
  done: DoneIndex;
  abandoned: Map<Sector, Set<number>>;
  entries: number;
}

/** The role whose model served a journaled request: seeds → openings; odd turns → assistant. */
function roleOf(e: Extract<JournalEntry, { t: 'seed' | 'att' | 'turn' }>): ModelRole {
  if (e.t === 'seed' || e.id.startsWith('seed:')) return 'openings';
  return e.i % 2 === 1 ? 'assistant' : 'user';
}

export async function loadJournal(path: string, budget: Budget, models: Record<ModelRole, string>): Promise<ResumeState> {
  const st: ResumeState = {
    header: undefined,
    seeds: { cache: new Map(), attempts: new Map() },
    partial: new Map(),
    done: new DoneIndex(),
    abandoned: new Map(),
    entries: 0,
  };
  const progressOf = (id: string) => {
    let p = st.partial.get(id);
    if (!p) st.partial.set(id, (p = emptyProgress()));
    return p;
  };
  await scanJournal(path, (e, at) => {
    st.entries++;
    switch (e.t) {
      case 'hdr':
        st.header ??= e;
        return;
      case 'seed':
        st.seeds.cache.set(e.k, e.items);
        budget.record(models[roleOf(e)], e.u);
        return;
      case 'att':
        budget.record(models[roleOf(e)], e.u);
        if (e.id.startsWith('seed:')) {
          const k = e.id.slice(5);
          st.seeds.attempts.set(k, (st.seeds.attempts.get(k) ?? 0) + 1);
        } else {
          const p = progressOf(e.id);
          addUsage(p.usage, e.u);
          p.attempts.set(e.i, { n: (p.attempts.get(e.i)?.n ?? 0) + 1, reason: e.reason as TurnRejectReason });
        }
        return;
      case 'turn': {
        budget.record(models[roleOf(e)], e.u);
        const p = progressOf(e.id);
        addUsage(p.usage, e.u);
        // Turns are journaled in order; a gap would mean a foreign or damaged journal.
        if (e.i !== p.turns.length + 1) throw new UsageError(`${path}: turn ${e.i} of ${e.id} follows turn ${p.turns.length}`, 'the journal is damaged; remove it to start over');
        p.turns.push(e.text);
        return;
      }
      case 'done':
        st.done.set(e.rec.sector, e.rec.index, at);
        st.partial.delete(e.id);
        return;
      case 'abandon': {
        let s = st.abandoned.get(e.sector);
        if (!s) st.abandoned.set(e.sector, (s = new Set()));
        s.add(e.idx);
        st.partial.delete(e.id);
        return;
      }
    }
  });
  return st;
}
