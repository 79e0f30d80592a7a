/**
 * `best_of_n` (rejection sampling, as Xwin-LM did with a reward model): for each record that ends
 * with a user turn (or, with `replace: true`, for its last assistant turn), sample `n` replies
 * from a policy server, score each with the judge given inline (`judge:`, the `judge` stage's
 * options), keep the best as the record's assistant turn and every candidate with its score in
 * `record.candidates` (for `write_preferences`).
 *
 * Samples are distinct: sample k is requested with its own seed (k, 0); an empty reply or an exact
 * copy of an earlier sample is requested again with seed (k, 1), (k, 2), … at most
 * `max_regenerations` times, then dropped. Ties go to the earlier sample. A candidate whose
 * verdict cannot be read keeps score null and is never chosen; when no candidate has a score the
 * record is rejected `judge_unparsed`.
 */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import type { Item, StageContext } from '../../core/stage.js';
import { reject, type Candidate, type Conversation } from '../../core/types.js';
import { seedFor } from '../../generate/rng.js';
import type { ChatMessage } from '../../generate/types.js';
import { gradeReply, quote, type Judge } from '../grade.js';
import { Llm } from '../llm.js';
import { closeShared, endpointOf, journalPath, judgeEndpoint, judgeObject, openShared, protocolOf, runFields, serverFields } from '../options.js';
import { mapOrdered } from '../ordered.js';

const options = z
  .object({
    ...serverFields,
    n: z.number().int().min(1).max(64).default(4),
    /** Replace the record's last assistant turn (default: only records ending with a user turn are sampled). */
    replace: z.boolean().default(false),
    /** Extra requests per sample for an empty or duplicate reply. */
    max_regenerations: z.number().int().min(0).max(20).default(3),
    /** The judge, with the `judge` stage's options (protocol, model, base_url, name, …). */
    judge: judgeObject,
    ...runFields,
  })
  .strict();

export default defineStage({
  name: 'best_of_n',
  description: 'sample n replies from a policy server, judge each, keep the best as the reply and all as candidates (rejection sampling)',
  kind: 'judge',
  options,
  scope: 'record',
  create(o, env) {
    const protocol = protocolOf(o.judge, env.cwd, 'judge: ', false);
    const judgeEp = judgeEndpoint(o.judge, 'judge: ');
    // Sampling wants variety: temperature 1 unless told otherwise.
    const policyEp = endpointOf(o, { temperature: 1, max_tokens: 1024 }, '');
    const name = o.judge.name ?? o.judge.protocol;
    return {
      name: 'best_of_n',
      async *run(input, ctx: StageContext) {
        const shared = await openShared(o, journalPath(o, env.cwd, 'best_of_n', name, ctx), 'best_of_n');
        const policy = new Llm(policyEp, shared);
        const j: Judge = { llm: new Llm(judgeEp, shared), protocol, retries: o.judge.max_unparsed_retries, stats: ctx.stats };
        try {
          yield* mapOrdered<Conversation>(input, Math.max(4, Math.ceil((o.concurrency * 2) / o.n)), ctx.signal, (rec, signal) => bestOf(rec, signal));
        } finally {
          await closeShared(shared, ctx);
        }

        async function bestOf(rec: Conversation, signal: AbortSignal): Promise<Item> {
          const last = rec.turns[rec.turns.length - 1];
          let context = rec.turns;
          if (last?.role === 'assistant') {
            if (!o.replace) {
              ctx.stats.count('best_of_n_skipped_has_reply');
              return rec;
            }
            context = rec.turns.slice(0, -1);
          }
          if (!context.some((t) => t.role === 'user')) {
            return reject({ reason: 'best_of_n_no_prompt', detail: 'no user turn to answer', source: rec.source, id: rec.id, record: rec });
          }
          const messages: ChatMessage[] = context.map((t) => ({ role: t.role as ChatMessage['role'], content: t.content }));
          const texts = await sample(messages, signal);
          if (texts.length === 0) {
            return reject({ reason: 'best_of_n_no_samples', detail: `every sample was empty or a duplicate after ${o.max_regenerations} regenerations`, source: rec.source, id: rec.id, record: rec });
          }
          const graded = await Promise.all(texts.map((t) => gradeReply(j, context, t, signal)));
          const candidates: Candidate[] = texts.map((content, i) => ({ content, score: graded[i]!.score ?? null, model: policyEp.model }));
          let best = -1;
          candidates.forEach((c, i) => {
            if (c.score !== null && (best < 0 || c.score > candidates[best]!.score!)) best = i;
          });
          const unparsed = candidates.filter((c) => c.score === null).length;
          if (unparsed > 0) ctx.stats.count('best_of_n_unscored_candidates', unparsed);
          if (best < 0) {
            return reject({
              reason: 'judge_unparsed',
              detail: `${name}: none of ${texts.length} candidates got a readable verdict; last: ${quote(graded[graded.length - 1]?.verdict ?? '')}`,
              source: rec.source,
              id: rec.id,
              record: rec,
            });
          }
          ctx.stats.count('best_of_n_records');
          ctx.stats.count('best_of_n_candidates', candidates.length);
          return {
            ...rec,
            turns: [...context, { role: 'assistant', content: candidates[best]!.content }],
            scores: { ...rec.scores, [name]: candidates[best]!.score! },
            candidates,
          };
        }

        /** n distinct, non-empty samples (fewer when regeneration runs out). */
        async function sample(messages: ChatMessage[], signal: AbortSignal): Promise<string[]> {
          // First requests in parallel; duplicates are then resolved in sample order, so which sample
          // is regenerated does not depend on timing.
          const first = await Promise.all(Array.from({ length: o.n }, (_, k) => policy.ask(messages, seedFor('best_of_n', k, 0), signal)));
          const seen = new Set<string>();
          const out: string[] = [];
          for (let k = 0; k < o.n; k++) {
            let text = first[k]!.text;
            for (let regen = 1; (text.trim() === '' || seen.has(text)) && regen <= o.max_regenerations; regen++) {
              ctx.stats.count(text.trim() === '' ? 'best_of_n_regenerated_empty' : 'best_of_n_regenerated_duplicate');
              text = (await policy.ask(messages, seedFor('best_of_n', k, regen), signal)).text;
            }
            if (text.trim() === '' || seen.has(text)) {
              ctx.stats.count('best_of_n_dropped_samples');
              continue;
            }
            seen.add(text);
            out.push(text);
          }
          return out;
        }
      },
    };
  },
});
