/**
 * `judge`: scores each record's last assistant reply (or, `per_turn`, every assistant reply) with
 * an LLM judge on any OpenAI-compatible server: Auto-J's protocol, MT-bench's (FastChat), or a
 * custom template. The score goes to `record.scores[name]`. A verdict that cannot be read is asked
 * again, then the record is rejected `judge_unparsed` (never scored 0).
 *
 * Pairwise (`pairwise: true`, `second:` a field holding another reply): the judge compares the
 * record's reply with the other one in both orders; a preference counts only when both orders
 * agree (score 1: the record's reply, 0: the other, 0.5: tie or disagreement), and both replies go
 * to `record.candidates` for `write_preferences`. The report gives the agreement rate.
 *
 * Records are judged concurrently and come out in input order; paid replies are journaled so a
 * rerun pays for nothing twice.
 */
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { defineStage } from '../../core/registry.js';
import type { Item, StageContext } from '../../core/stage.js';
import { reject, type Conversation } from '../../core/types.js';
import { compareReplies, gradeReply, quote, type Judge } from '../grade.js';
import { Llm } from '../llm.js';
import { closeShared, journalPath, judgeEndpoint, judgeFields, openShared, protocolOf, runFields } from '../options.js';
import { mapOrdered } from '../ordered.js';

const options = z
  .object({
    ...judgeFields,
    ...runFields,
    /** Score every assistant turn (a list, in order); filter_score then uses the lowest. */
    per_turn: z.boolean().default(false),
    /** Compare the last reply with the reply at `second` (a dotted field path, e.g. meta.reply_b). */
    pairwise: z.boolean().default(false),
    second: z.string().min(1).optional(),
  })
  .strict();

export type JudgeStageOptions = z.infer<typeof options>;

/** A string at a dotted path of a record (`meta.reply_b`), or undefined. */
export function fieldAt(rec: unknown, path: string): unknown {
  let x: unknown = rec;
  for (const k of path.split('.')) {
    if (typeof x !== 'object' || x === null) return undefined;
    x = (x as Record<string, unknown>)[k];
  }
  return x;
}

export function lastAssistant(turns: Conversation['turns']): number {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.role === 'assistant') return i;
  return -1;
}

export default defineStage({
  name: 'judge',
  description: 'score replies with an LLM judge (Auto-J, MT-bench or custom prompt) on an OpenAI-compatible server; pairwise in both orders',
  kind: 'judge',
  options,
  scope: 'record',
  create(o, env) {
    if (o.pairwise && !o.second) throw new UsageError('pairwise needs second:', 'name the field holding the other reply, e.g. second: meta.reply_b');
    if (o.pairwise && o.per_turn) throw new UsageError('pairwise and per_turn cannot be combined', 'compare the last reply only, or score every turn without pairwise');
    const protocol = protocolOf(o, env.cwd, '', o.pairwise);
    const endpoint = judgeEndpoint(o, '');
    const name = o.name ?? o.protocol;
    return {
      name: 'judge',
      async *run(input, ctx: StageContext) {
        const shared = await openShared(o, journalPath(o, env.cwd, 'judge', name, ctx), 'judge');
        const j: Judge = { llm: new Llm(endpoint, shared), protocol, retries: o.max_unparsed_retries, stats: ctx.stats };
        const one = (rec: Conversation, signal: AbortSignal) => (o.pairwise ? judgePair(j, rec, o.second!, name, ctx, signal) : judgeRecord(j, rec, name, o.per_turn, signal));
        try {
          yield* mapOrdered<Conversation>(input, Math.max(4, o.concurrency * 2), ctx.signal, one);
        } finally {
          const agree = ctx.stats.counters.get('pairwise_agree') ?? 0;
          const total = agree + (ctx.stats.counters.get('pairwise_inconsistent') ?? 0);
          if (total > 0) ctx.stats.gauge('pairwise_agreement_rate', Math.round((agree / total) * 1e4) / 1e4);
          await closeShared(shared, ctx);
        }
      },
    };
  },
});

const noReply = (rec: Conversation) => reject({ reason: 'judge_no_reply', detail: 'no assistant turn to judge', source: rec.source, id: rec.id, record: rec });

async function judgeRecord(j: Judge, rec: Conversation, name: string, perTurn: boolean, signal: AbortSignal): Promise<Item> {
  const last = lastAssistant(rec.turns);
  if (last < 0) return noReply(rec);
  const which = perTurn ? rec.turns.flatMap((t, i) => (t.role === 'assistant' ? [i] : [])) : [last];
  const graded = await Promise.all(which.map((i) => gradeReply(j, rec.turns.slice(0, i), rec.turns[i]!.content, signal)));
  const bad = graded.findIndex((g) => g.score === undefined);
  if (bad >= 0) {
    const k = rec.turns.slice(0, which[bad]! + 1).filter((t) => t.role === 'assistant').length;
    return reject({
      reason: 'judge_unparsed',
      detail: `${name}: no score in ${j.retries + 1} verdicts on assistant turn ${k}; last: ${quote(graded[bad]!.verdict)}`,
      source: rec.source,
      id: rec.id,
      record: rec,
    });
  }
  const scores = graded.map((g) => g.score!);
  j.stats.count('judged');
  return { ...rec, scores: { ...rec.scores, [name]: perTurn ? scores : scores[0]! } };
}

async function judgePair(j: Judge, rec: Conversation, second: string, name: string, ctx: StageContext, signal: AbortSignal): Promise<Item> {
  const last = lastAssistant(rec.turns);
  if (last < 0) return noReply(rec);
  const other = fieldAt(rec, second);
  if (typeof other !== 'string') {
    return reject({ reason: 'judge_no_second', detail: `${name}: no string at ${second} to compare with`, source: rec.source, id: rec.id, record: rec });
  }
  const reply = rec.turns[last]!.content;
  const r = await compareReplies(j, rec.turns.slice(0, last), reply, other, signal);
  if (r.preference === undefined) {
    return reject({ reason: 'judge_unparsed', detail: `${name}: no preference in ${j.retries + 1} verdicts; last: ${quote(r.verdict)}`, source: rec.source, id: rec.id, record: rec });
  }
  if (r.preference === 'inconsistent') ctx.stats.count('pairwise_inconsistent');
  else {
    ctx.stats.count('pairwise_agree');
    ctx.stats.count(`pairwise_${r.preference}`);
  }
  const score = r.preference === 'first' ? 1 : r.preference === 'second' ? 0 : 0.5;
  return {
    ...rec,
    scores: { ...rec.scores, [name]: score },
    candidates: [
      { content: reply, score },
      { content: other, score: 1 - score },
    ],
  };
}
