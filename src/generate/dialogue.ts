/**
 * One dialogue: the opening is the first user turn; then the assistant model answers and the
 * simulated user model continues, for a number of rounds drawn per dialogue. Every accepted
 * turn and every rejected attempt is queued to the journal before the next request is sent (and
 * is on disk before any later line: the journal is one FIFO file), and every choice
 * (persona, rounds, the `seed` of each request) comes from (run seed, sector, index, turn,
 * attempt), so a dialogue resumed after a crash sends exactly the requests it would have sent.
 */
import type { Report } from '../core/report.js';
import type { ChatClient } from './client.js';
import type { GenerateConfig } from './config.js';
import type { Appended, Journal, JournalEntry } from './journal.js';
import { StopRequested } from './stop.js';
import { assistantMessages, userTurnMessages } from './prompts.js';
import { rngFor, seedFor } from './rng.js';
import { addUsage, zeroUsage, type DialogueRecord, type Opening, type Sector, type Usage } from './types.js';
import { checkReply, cleanUserTurn, type CompiledRules, type TurnRejectReason } from './validate.js';

export interface DialoguePlan {
  persona: GenerateConfig['personas'][number];
  rounds: number;
}

export function planDialogue(cfg: GenerateConfig, runSeed: number, sector: Sector, index: number): DialoguePlan {
  const rng = rngFor(runSeed, sector, index, 'plan');
  const persona = rng.pick(cfg.personas);
  const r = cfg.sectors[sector].rounds;
  return { persona, rounds: rng.int(r.min, r.max) };
}

/** What the journal already holds for a dialogue that was cut short. */
export interface DialogueProgress {
  /** Accepted turns 1, 2, ... (a1, u2, a2, ...). */
  turns: string[];
  /** Rejected attempts so far and the last reason, by turn number. */
  attempts: Map<number, { n: number; reason: TurnRejectReason }>;
  usage: Usage;
}

export function emptyProgress(): DialogueProgress {
  return { turns: [], attempts: new Map(), usage: zeroUsage() };
}

export interface DialogueContext {
  cfg: GenerateConfig;
  client: ChatClient;
  journal: Journal;
  rules: CompiledRules;
  report: Report;
  runSeed: number;
  /** Aborts requests in flight (a second Ctrl-C). */
  signal?: AbortSignal;
  /** Checked before each request: a first Ctrl-C or the budget stops new requests. */
  shouldStop?: () => boolean;
}

export interface DialogueJob {
  id: string;
  sector: Sector;
  index: number;
  opening: Opening;
}

/** `at` resolves once the done line is on disk (the caller may start other work meanwhile). */
export type DialogueOutcome = { kind: 'done'; rec: DialogueRecord; at: Promise<Appended> } | { kind: 'abandoned'; reason: TurnRejectReason };

export async function runDialogue(ctx: DialogueContext, job: DialogueJob, progress: DialogueProgress): Promise<DialogueOutcome> {
  const { cfg, client, journal, rules, report } = ctx;
  const plan = planDialogue(cfg, ctx.runSeed, job.sector, job.index);
  const data = [job.opening.text, ...progress.turns];
  const usage = { ...progress.usage };
  const maxAttempts = cfg.regenerate.max_attempts;
  let truncated: TurnRejectReason | undefined;
  // A result's journal line is written and synced while the next request is in flight: waiting
  // for each fdatasync first cost a few ms a turn, 5-10% of a 50 ms server (issue #16). Safe for
  // resume: a later line never reaches the disk before an earlier one, so a request whose result
  // is on disk is never sent again. A failed write breaks the journal, and every later append
  // (at the latest the done line, awaited by the caller) rejects with its error.
  const record = (e: JournalEntry) => {
    journal.append(e).catch(() => undefined); // surfaced by a later append, as said above
  };

  for (let k = data.length; k < plan.rounds * 2 && truncated === undefined; k++) {
    const role = k % 2 === 1 ? 'assistant' : 'user';
    const messages = role === 'assistant' ? assistantMessages(data) : userTurnMessages(cfg, { sector: job.sector, data, persona: plan.persona.description });
    const prior = progress.attempts.get(k);
    let attempt = prior?.n ?? 0;
    let reason: TurnRejectReason | null = prior?.reason ?? null;
    let accepted = false;
    while (attempt < maxAttempts) {
      if (ctx.shouldStop?.()) throw new StopRequested();
      // A result that cannot be journaled is paid for and lost: stop at the first failed write.
      if (journal.error) throw journal.error;
      if (attempt > 0) report.count('turns_regenerated');
      const res = await client.complete(role, messages, seedFor(ctx.runSeed, job.id, k, attempt), ctx.signal);
      addUsage(usage, res.usage);
      let text = res.content;
      let rep: string | undefined;
      if (role === 'user') {
        const c = cleanUserTurn(text, cfg.user_turn.user_label);
        if (c.repaired) rep = 'user_label_stripped';
        text = c.text;
      }
      reason = checkReply(role, { content: text, finishReason: res.finishReason }, rules);
      if (reason === null) {
        record({ t: 'turn', id: job.id, i: k, text, u: res.usage, rq: res.rq, ...(rep && { rep }) });
        if (rep) report.repair(rep);
        report.count(`turns_${role}`);
        data.push(text);
        accepted = true;
        break;
      }
      report.count(`rejected_${reason}`);
      record({ t: 'att', id: job.id, i: k, reason, u: res.usage, rq: res.rq });
      attempt++;
    }
    if (accepted) continue;
    const why = reason ?? 'empty_reply';
    if (k === 1) {
      // No usable first answer: the opening is given up and a spare takes its place.
      await journal.append({ t: 'abandon', id: job.id, sector: job.sector, idx: job.index, reason: why, u: usage });
      report.count('dialogues_abandoned');
      return { kind: 'abandoned', reason: why };
    }
    // Keep the rounds that succeeded; an unanswered user turn is dropped.
    truncated = why;
    report.count('dialogues_truncated');
    if (role === 'assistant') data.pop();
  }

  const meta: Record<string, unknown> = {
    sector: job.sector,
    ...job.opening.meta,
    persona: plan.persona.name,
    rounds: data.length / 2,
    planned_rounds: plan.rounds,
    ...(truncated && { truncated }),
    models: { user: client.endpoint('user').model, assistant: client.endpoint('assistant').model },
    usage,
  };
  const rec: DialogueRecord = { id: job.id, sector: job.sector, index: job.index, data, meta };
  return { kind: 'done', rec, at: journal.append({ t: 'done', id: job.id, rec }) };
}
