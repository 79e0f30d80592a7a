/**
 * Judge protocols: how a conversation and a reply become the judge's messages, and how its
 * verdict is read. `autoj` and `mtbench` send their authors' prompts exactly (src/judge/prompts.ts);
 * `custom` takes a template file and a regular expression.
 *
 * Conversation → prompt (where the prompts were written for one question):
 * - Auto-J's `[Query]` is the user's message when the reply answers a single user turn; otherwise
 *   the turns before the reply as a transcript ("User: …", "Assistant: …", "System: …", blank
 *   line between turns), since Auto-J was trained on single queries and names no history format.
 * - MT-bench: one round → single-v1 (pair-v2); two rounds → the multi-turn prompts, exactly;
 *   more rounds → the multi-turn layout extended by one "### User / ### Assistant A" block per
 *   round, with "second user question" in the system prompt read as "last user question". A system
 *   turn is put before the first question. Records that do not alternate user/assistant fall back
 *   to the one-round prompt with the transcript as the question.
 */
import type { Turn } from '../core/types.js';
import type { ChatMessage } from '../generate/types.js';
import { parseAutojPair, parseAutojRating, parseMtbenchPair, parseMtbenchRating, pyFloat, type PairVerdict } from './parse.js';
import { AUTOJ_PAIRWISE_TIE, AUTOJ_SINGLE, MTBENCH_PAIR, MTBENCH_PAIR_MULTI, MTBENCH_SINGLE, MTBENCH_SINGLE_MULTI } from './prompts.js';
import { fillTemplate } from './template.js';

export interface Protocol {
  readonly name: string;
  /** Messages asking for a score of `reply`, which follows `history`. */
  single(history: readonly Turn[], reply: string): ChatMessage[];
  score(verdict: string): number | undefined;
  /** Messages asking which of `a` (shown first) and `b` is better. */
  pair(history: readonly Turn[], a: string, b: string): ChatMessage[];
  /** A = the reply shown first. */
  prefer(verdict: string): PairVerdict | undefined;
}

const LABEL: Record<Turn['role'], string> = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool' };

/** The turns as a transcript: "User: …" blocks separated by a blank line. */
export function transcript(turns: readonly Turn[]): string {
  return turns.map((t) => `${LABEL[t.role]}: ${t.content}`).join('\n\n');
}

/** Auto-J's query: the user's message alone when it is the whole context, else the transcript. */
export function queryOf(history: readonly Turn[]): string {
  return history.length === 1 && history[0]!.role === 'user' ? history[0]!.content : transcript(history);
}

/** A leading system turn, then user/assistant rounds ending with the user: questions and the answers between them. */
export function roundsOf(history: readonly Turn[]): { questions: string[]; answers: string[] } | undefined {
  let turns = history;
  let system: string | undefined;
  if (turns[0]?.role === 'system') {
    system = turns[0].content;
    turns = turns.slice(1);
  }
  if (turns.length % 2 !== 1) return undefined;
  const questions: string[] = [];
  const answers: string[] = [];
  for (let i = 0; i < turns.length; i++) {
    const want = i % 2 === 0 ? 'user' : 'assistant';
    if (turns[i]!.role !== want) return undefined;
    (want === 'user' ? questions : answers).push(turns[i]!.content);
  }
  if (system !== undefined) questions[0] = `${system}\n\n${questions[0]}`;
  return { questions, answers };
}

/** The question of the last round and everything before it, for custom templates. */
function customFields(history: readonly Turn[]): Record<string, string> {
  let last = history.length - 1;
  while (last >= 0 && history[last]!.role !== 'user') last--;
  return {
    query: queryOf(history),
    question: last >= 0 ? history[last]!.content : '',
    history: last > 0 ? transcript(history.slice(0, last)) : '',
  };
}

/** MT-bench's multi-turn conversation block for any number of rounds (two rounds: FastChat's template, exactly). */
export function mtbenchConversation(label: string, questions: readonly string[], answers: readonly string[]): string {
  const blocks = questions.map((q, i) => `### User:\n${q}\n\n### ${label}:\n${answers[i]}\n\n`).join('');
  return `<|The Start of ${label}'s Conversation with User|>\n\n${blocks}<|The End of ${label}'s Conversation with User|>`;
}

const LAST = (s: string) => s.replace(/second user question/g, 'last user question');

export const autoj: Protocol = {
  name: 'autoj',
  single: (h, reply) => [{ role: 'user', content: fillTemplate(AUTOJ_SINGLE, { prompt: queryOf(h), response: reply }) }],
  score: parseAutojRating,
  pair: (h, a, b) => [{ role: 'user', content: fillTemplate(AUTOJ_PAIRWISE_TIE, { prompt: queryOf(h), response: a, response_another: b }) }],
  prefer: parseAutojPair,
};

export const mtbench: Protocol = {
  name: 'mtbench',
  single(h, reply) {
    const r = roundsOf(h);
    if (!r || r.questions.length === 1) {
      const question = r ? r.questions[0]! : transcript(h);
      return [
        { role: 'system', content: MTBENCH_SINGLE.system },
        { role: 'user', content: fillTemplate(MTBENCH_SINGLE.template, { question, answer: reply }) },
      ];
    }
    const answers = [...r.answers, reply];
    if (r.questions.length === 2) {
      const [question_1, question_2] = r.questions as [string, string];
      const content = fillTemplate(MTBENCH_SINGLE_MULTI.template, { question_1, question_2, answer_1: answers[0]!, answer_2: answers[1]! });
      return [
        { role: 'system', content: MTBENCH_SINGLE_MULTI.system },
        { role: 'user', content },
      ];
    }
    return [
      { role: 'system', content: LAST(MTBENCH_SINGLE_MULTI.system) },
      { role: 'user', content: mtbenchConversation('Assistant A', r.questions, answers) },
    ];
  },
  score: parseMtbenchRating,
  pair(h, a, b) {
    const r = roundsOf(h);
    if (!r || r.questions.length === 1) {
      const question = r ? r.questions[0]! : transcript(h);
      return [
        { role: 'system', content: MTBENCH_PAIR.system },
        { role: 'user', content: fillTemplate(MTBENCH_PAIR.template, { question, answer_a: a, answer_b: b }) },
      ];
    }
    const qa = [...r.answers, a];
    const qb = [...r.answers, b];
    if (r.questions.length === 2) {
      const [question_1, question_2] = r.questions as [string, string];
      const content = fillTemplate(MTBENCH_PAIR_MULTI.template, { question_1, question_2, answer_a_1: qa[0]!, answer_a_2: qa[1]!, answer_b_1: qb[0]!, answer_b_2: qb[1]! });
      return [
        { role: 'system', content: MTBENCH_PAIR_MULTI.system },
        { role: 'user', content },
      ];
    }
    const content = `${mtbenchConversation('Assistant A', r.questions, qa)}\n\n\n${mtbenchConversation('Assistant B', r.questions, qb)}`;
    return [
      { role: 'system', content: LAST(MTBENCH_PAIR_MULTI.system) },
      { role: 'user', content },
    ];
  },
  prefer: parseMtbenchPair,
};

export interface CustomProtocolOptions {
  /** Template text with {query}, {question}, {history}, {response}. */
  template: string;
  /** The score: group 1 of this regular expression (or the whole match), read as a number. */
  scoreRegex: RegExp;
  /** Which match counts when there are several (default last, as Auto-J reads its rating). */
  pick: 'first' | 'last';
  system?: string;
  /** Pairwise: template with {query}, {question}, {history}, {response_a}, {response_b}. */
  pairTemplate?: string;
  /** Pairwise: group 1 (or the match) is A/1 (first better), B/2 (second), or C/tie/0. */
  pairRegex?: RegExp;
}

function lastOrFirst(re: RegExp, text: string, pick: 'first' | 'last'): string | undefined {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  const all = [...text.matchAll(g)];
  const m = pick === 'first' ? all[0] : all[all.length - 1];
  return m ? (m[1] ?? m[0]) : undefined;
}

export function customProtocol(o: CustomProtocolOptions): Protocol {
  const sys = (content: string): ChatMessage[] =>
    o.system !== undefined
      ? [
          { role: 'system', content: o.system },
          { role: 'user', content },
        ]
      : [{ role: 'user', content }];
  return {
    name: 'custom',
    single: (h, reply) => sys(fillTemplate(o.template, { ...customFields(h), response: reply })),
    score(text) {
      const s = lastOrFirst(o.scoreRegex, text, o.pick);
      return s === undefined ? undefined : pyFloat(s);
    },
    pair(h, a, b) {
      if (!o.pairTemplate) throw new Error('custom protocol without pair_template used pairwise');
      return sys(fillTemplate(o.pairTemplate, { ...customFields(h), response_a: a, response_b: b }));
    },
    prefer(text) {
      const s = o.pairRegex ? lastOrFirst(o.pairRegex, text, o.pick)?.trim().toLowerCase() : undefined;
      if (s === undefined) return undefined;
      if (s === 'a' || s === '1' || s === 'response 1') return 'A';
      if (s === 'b' || s === '2' || s === 'response 2') return 'B';
      if (s === 'c' || s === 'tie' || s === '0') return 'tie';
      return undefined;
    },
  };
}
