/**
 * Asking a judge: one score for a reply, or a preference between two replies asked in both
 * orders. A verdict that cannot be read is asked again as a new request (another seed) at most
 * `retries` times; after that the caller rejects the record (`judge_unparsed`), never scores it.
 */
import type { StageStats } from '../core/stats.js';
import type { Turn } from '../core/types.js';
import { seedFor } from '../generate/rng.js';
import type { Llm } from './llm.js';
import type { PairVerdict } from './parse.js';
import type { Protocol } from './protocols.js';

export interface Judge {
  llm: Llm;
  protocol: Protocol;
  retries: number;
  stats: StageStats;
}

export type Graded = { score: number; verdict: string } | { score: undefined; verdict: string };

/** The first readable verdict among `retries + 1` requests. */
async function ask<T>(j: Judge, messages: Parameters<Llm['ask']>[0], purpose: string, read: (text: string) => T | undefined, signal: AbortSignal): Promise<{ value: T | undefined; verdict: string }> {
  let verdict = '';
  for (let attempt = 0; attempt <= j.retries; attempt++) {
    if (attempt > 0) j.stats.count('judge_unparsed_retries');
    const r = await j.llm.ask(messages, seedFor(purpose, attempt), signal);
    verdict = r.text;
    const v = read(r.text);
    if (v !== undefined) return { value: v, verdict };
  }
  return { value: undefined, verdict };
}

export async function gradeReply(j: Judge, history: readonly Turn[], reply: string, signal: AbortSignal): Promise<Graded> {
  const r = await ask(j, j.protocol.single(history, reply), 'judge', (t) => j.protocol.score(t), signal);
  return { score: r.value, verdict: r.verdict } as Graded;
}

/** Which reply the judge prefers: `first`/`second` only when both orders say so. */
export type Preference = 'first' | 'second' | 'tie' | 'inconsistent';

export async function compareReplies(j: Judge, history: readonly Turn[], first: string, second: string, signal: AbortSignal): Promise<{ preference: Preference | undefined; verdict: string }> {
  const read = (t: string) => j.protocol.prefer(t);
  const [ab, ba] = await Promise.all([
    ask<PairVerdict>(j, j.protocol.pair(history, first, second), 'judge_pair', read, signal),
    ask<PairVerdict>(j, j.protocol.pair(history, second, first), 'judge_pair', read, signal),
  ]);
  if (ab.value === undefined) return { preference: undefined, verdict: ab.verdict };
  if (ba.value === undefined) return { preference: undefined, verdict: ba.verdict };
  // In the swapped order, A is the second reply.
  const g1: Preference = ab.value === 'A' ? 'first' : ab.value === 'B' ? 'second' : 'tie';
  const g2: Preference = ba.value === 'A' ? 'second' : ba.value === 'B' ? 'first' : 'tie';
  return { preference: g1 === g2 ? g1 : 'inconsistent', verdict: ab.verdict };
}

/** A short quote of a verdict for a reject's detail. */
export function quote(verdict: string, max = 160): string {
  const one = verdict.replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > max ? one.slice(0, max) + '…' : one);
}
