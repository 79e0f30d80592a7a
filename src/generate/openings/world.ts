/**
 * "Questions about the World": meta topics → subtopics (one request per topic) → questions per
 * subtopic → follow-up questions per question; plus questions about user-supplied entities.
 * Order, so that any prefix of the pool is spread over all topics: subtopics round-robin over
 * topics, then entity questions, then follow-ups round-robin over the questions kept so far.
 */
import type { GenerateConfig } from '../config.js';
import { fill } from '../prompts.js';
import { digest } from '../rng.js';
import type { SeedRunner } from './seeds.js';
import { expand, type Pool } from './pool.js';

export interface WorldInputs {
  cfg: GenerateConfig;
  seeds: SeedRunner;
  pool: Pool;
  /** From --entities FILE, in file order. */
  entities?: readonly string[];
}

interface Base {
  text: string;
  meta: Record<string, unknown>;
}

/** Items of lists taken column by column: a[0][0], a[1][0], ..., a[0][1], a[1][1], ... */
export function* roundRobin<T>(lists: readonly (readonly T[])[]): Generator<T> {
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let j = 0; j < longest; j++) for (const l of lists) if (j < l.length) yield l[j]!;
}

export async function buildWorld({ cfg, seeds, pool, entities }: WorldInputs): Promise<void> {
  const w = cfg.sectors.world;
  const topics = w.meta_topics;
  const subs = await seeds.run(topics.map((topic, ti) => ({ key: `world/sub/${ti}`, prompt: fill(w.prompts.subtopics, { n: w.subtopics_per_topic, topic }), max: w.subtopics_per_topic })));
  const bases: Base[] = [];
  const keep = async (text: string, meta: Record<string, unknown>) => {
    if (await pool.offer({ sector: 'world', text, meta })) bases.push({ text, meta });
  };

  const subtopics = roundRobin(subs.map((list, ti) => list.map((subtopic, si) => ({ ti, si, topic: topics[ti]!, subtopic }))));
  await expand(subtopics, pool, w.questions_per_subtopic, async (chunk) => {
    const res = await seeds.run(
      chunk.map((s) => ({
        key: `world/q/${s.ti}/${s.si}`,
        prompt: fill(w.prompts.questions, { n: w.questions_per_subtopic, subtopic: s.subtopic, topic: s.topic }),
        max: w.questions_per_subtopic,
      })),
    );
    for (let j = 0; j < chunk.length; j++) {
      for (const q of res[j]!) await keep(q, { topic: chunk[j]!.topic, subtopic: chunk[j]!.subtopic, level: 'question' });
    }
  });

  const ents = (entities ?? []).map((entity, ei) => ({ entity, ei }));
  await expand(ents.values(), pool, w.questions_per_entity, async (chunk) => {
    const res = await seeds.run(chunk.map((e) => ({ key: `world/e/${e.ei}`, prompt: fill(w.prompts.entity, { n: w.questions_per_entity, entity: e.entity }), max: w.questions_per_entity })));
    for (let j = 0; j < chunk.length; j++) for (const q of res[j]!) await keep(q, { entity: chunk[j]!.entity, level: 'entity' });
  });

  // Follow-ups of the questions kept above (not of follow-ups: one level, as in the paper).
  const parents = bases.slice();
  await expand(parents.values(), pool, w.followups_per_question, async (chunk) => {
    const res = await seeds.run(
      chunk.map((b) => ({
        key: `world/f/${digest(b.text)}`,
        prompt: fill(w.prompts.followups, { n: w.followups_per_question, question: b.text }),
        max: w.followups_per_question,
      })),
    );
    for (let j = 0; j < chunk.length; j++) {
      const parent = chunk[j]!;
      for (const q of res[j]!) await pool.offer({ sector: 'world', text: q, meta: { ...parent.meta, level: 'followup', parent: parent.text } });
    }
  });
}
