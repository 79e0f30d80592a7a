import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAutojPair, parseAutojRating, parseMtbenchPair, parseMtbenchRating } from '../../src/judge/parse.js';
import { autoj, customProtocol, mtbench, mtbenchConversation } from '../../src/judge/protocols.js';
import { MTBENCH_SINGLE_MULTI } from '../../src/judge/prompts.js';
import { checkTemplate, fillTemplate } from '../../src/judge/template.js';
import type { Turn } from '../../src/core/types.js';

const here = (f: string) => join(import.meta.dirname, 'fixtures', f);
type Case = { text: string; reference: number | string | null; raised?: string };
const verdicts = JSON.parse(readFileSync(here('verdicts.json'), 'utf8')) as Record<string, Case[]>;
const prompts = JSON.parse(readFileSync(here('prompts.json'), 'utf8'));

describe('verdicts read as the judges’ own code reads them (fixtures made by that code)', () => {
  it('Auto-J single: the number its extract_single_rating returns; nothing where it returns its 0.0 default or raises', () => {
    expect(verdicts.autoj_single!.length).toBeGreaterThan(20);
    for (const c of verdicts.autoj_single!) {
      const missing = c.raised !== undefined || !c.text.includes('Rating: [[');
      expect(parseAutojRating(c.text), c.text.slice(-60)).toBe(missing ? undefined : c.reference);
    }
    // A real Auto-J output without a rating is among them: it must not become a score of 0.
    expect(verdicts.autoj_single!.some((c) => c.reference === 0 && parseAutojRating(c.text) === undefined)).toBe(true);
  });

  it('Auto-J pairwise: 0 → first, 1 → second, 2 → tie, -1 → nothing', () => {
    const map: Record<number, string | undefined> = { 0: 'A', 1: 'B', 2: 'tie', [-1]: undefined };
    for (const c of verdicts.autoj_pairwise!) expect(parseAutojPair(c.text), c.text).toBe(map[c.reference as number]);
  });

  it('MT-bench single: FastChat’s [[rating]] with its [rating] fallback; -1 and errors are nothing', () => {
    for (const c of verdicts.mtbench_single!) {
      expect(parseMtbenchRating(c.text), c.text).toBe(c.raised !== undefined || c.reference === -1 ? undefined : c.reference);
    }
  });

  it('MT-bench pairwise: [[A]], [[B]], [[C]] = tie, else nothing', () => {
    for (const c of verdicts.mtbench_pairwise!) expect(parseMtbenchPair(c.text), c.text).toBe(c.reference === 'error' ? undefined : c.reference);
  });
});

describe('prompts as the judges’ own code builds them', () => {
  const { question, reply, other, question_2, reply_2 } = prompts.inputs as Record<string, string>;
  const one: Turn[] = [{ role: 'user', content: question }];
  const two: Turn[] = [...one, { role: 'assistant', content: reply }, { role: 'user', content: question_2 }];

  it('Auto-J: single and pairwise, one user message, no system', () => {
    expect(autoj.single(one, reply)).toEqual([{ role: 'user', content: prompts.autoj_single }]);
    expect(autoj.pair(one, reply, other)).toEqual([{ role: 'user', content: prompts.autoj_pairwise }]);
  });

  it('MT-bench: single-v1 and pair-v2 for one round, the multi-turn prompts for two', () => {
    expect(mtbench.single(one, reply)).toEqual([
      { role: 'system', content: prompts.mtbench_single.system },
      { role: 'user', content: prompts.mtbench_single.user },
    ]);
    expect(mtbench.pair(one, reply, other)).toEqual([
      { role: 'system', content: prompts.mtbench_pair.system },
      { role: 'user', content: prompts.mtbench_pair.user },
    ]);
    expect(mtbench.single(two, reply_2)).toEqual([
      { role: 'system', content: prompts.mtbench_single_multi.system },
      { role: 'user', content: prompts.mtbench_single_multi.user },
    ]);
    expect(mtbench.pair(two, reply_2, 'Lyon.')).toEqual([
      { role: 'system', content: prompts.mtbench_pair_multi.system },
      { role: 'user', content: prompts.mtbench_pair_multi.user },
    ]);
  });

  it('MT-bench: the extended layout equals FastChat’s template at two rounds and grows a block per round', () => {
    const vars = { question_1: 'q1', answer_1: 'a1', question_2: 'q2', answer_2: 'a2' };
    expect(mtbenchConversation('Assistant A', ['q1', 'q2'], ['a1', 'a2'])).toBe(fillTemplate(MTBENCH_SINGLE_MULTI.template, vars));
    const three: Turn[] = [...two, { role: 'assistant', content: reply_2 }, { role: 'user', content: 'And of Spain?' }];
    const [sys, user] = mtbench.single(three, 'Madrid.');
    expect(sys!.content).toContain('last user question');
    expect(user!.content.match(/### User:/g)).toHaveLength(3);
    expect(user!.content).toContain('### User:\nAnd of Spain?\n\n### Assistant A:\nMadrid.\n\n<|The End');
  });

  it('Auto-J: a multi-turn context becomes a transcript query; braces in text stay as they are', () => {
    const [m] = autoj.single(two, '{not a field}');
    expect(m!.content).toContain(`[Query]: User: ${question}\n\nAssistant: ${reply}\n\nUser: ${question_2}\n***`);
    expect(m!.content).toContain('[Response]: {not a field}\n***');
  });

  it('custom: template fields and the regex group, last match by default', () => {
    const p = customProtocol({ template: 'Q={question} H={history} R={response}', scoreRegex: /Score: (\d+(?:\.\d+)?)/, pick: 'last', system: 'be fair' });
    expect(p.single(two, 'x')).toEqual([
      { role: 'system', content: 'be fair' },
      { role: 'user', content: `Q=${question_2} H=User: ${question}\n\nAssistant: ${reply} R=x` },
    ]);
    expect(p.score('Score: 3 ... Score: 8.5')).toBe(8.5);
    expect(p.score('Score: high')).toBeUndefined();
    const pair = customProtocol({ template: '', scoreRegex: /x/, pick: 'last', pairTemplate: '{question}|{response_a}|{response_b}', pairRegex: /Winner: (\w+)/ });
    expect(pair.pair(one, 'a', 'b')).toEqual([{ role: 'user', content: `${question}|a|b` }]);
    expect(['Winner: A', 'Winner: 2', 'Winner: tie', 'Winner: nobody', 'none'].map((t) => pair.prefer(t))).toEqual(['A', 'B', 'tie', undefined, undefined]);
  });

  it('custom: a template field outside the list is a usage error naming the file', () => {
    expect(() => checkTemplate('{question} {answer}', ['question', 'response'], 'judge.txt')).toThrow(/judge\.txt: unknown template field \{answer\}/);
    expect(fillTemplate('{{literal}} {question}', { question: 'q' })).toBe('{literal} q');
  });
});
