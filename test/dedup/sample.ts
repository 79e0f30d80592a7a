/** Test helpers: the shared data as Conversations (human→user, gpt→assistant; malformed records skipped). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StageContext } from '../../src/core/stage.js';
import type { StageStats } from '../../src/core/stats.js';
import { isReject, type Conversation, type RejectMarker, type Role } from '../../src/core/types.js';
import { asyncIterableOf, fakeCtx } from '../helpers/ctx.js';

export const SHARED = resolve(import.meta.dirname, '../../../shared');

const ROLES: Record<string, Role> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system' };

/** A ShareGPT record as a Conversation, or undefined when it is malformed (no array, bad turn, unknown role). */
export function fromShareGpt(r: unknown, file: string, index: number, id?: string): Conversation | undefined {
  if (typeof r !== 'object' || r === null) return undefined;
  const rec = r as { id?: unknown; model?: unknown; conversations?: unknown };
  if (!Array.isArray(rec.conversations)) return undefined;
  const turns = [];
  for (const t of rec.conversations as unknown[]) {
    const tt = t as { from?: unknown; value?: unknown } | null;
    if (!tt || typeof tt.value !== 'string' || typeof tt.from !== 'string' || !(tt.from in ROLES)) return undefined;
    turns.push({ role: ROLES[tt.from]!, content: tt.value });
  }
  const conv: Conversation = { id: id ?? String(rec.id ?? index), turns, source: { file, index } };
  if (typeof rec.model === 'string') conv.model = rec.model;
  return conv;
}

export function readJson<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(resolve(SHARED, rel), 'utf8')) as T;
}

/** The ShareGPT HTML sample, valid records only, in input order. */
export function sampleConversations(): Conversation[] {
  const raw = readJson<unknown[]>('data/sharegpt_html_sample.json');
  return raw.map((r, i) => fromShareGpt(r, 'sharegpt_html_sample.json', i)).filter((c): c is Conversation => c !== undefined);
}

/** MedicalGPT's 1,000 records, ids "line<N>" (1-based) as in FastChat's reference outputs. */
export function medicalConversations(): Conversation[] {
  const lines = readFileSync(resolve(SHARED, 'data/public/MedicalGPT_sharegpt_zh_1K_format.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.map((l, i) => fromShareGpt(JSON.parse(l), 'MedicalGPT_sharegpt_zh_1K_format.jsonl', i, `line${i + 1}`)!);
}

/**
 * Runs a stage over items (records, and reject markers made upstream) with a real StageContext
 * (test/helpers/ctx.ts) and splits its output: kept records, every reject in output order (those
 * passed through included), the whole output in order, and the stage's counters (`ctx.stats`).
 */
export async function runStage<T>(
  stage: { run(input: AsyncIterable<unknown>, ctx: StageContext): AsyncIterable<unknown> },
  records: readonly (T | RejectMarker)[],
): Promise<{ kept: T[]; rejects: any[]; out: unknown[]; counters: Map<string, number>; stats: StageStats }> {
  const ctx = fakeCtx('test');
  const kept: T[] = [];
  const rejects: any[] = [];
  const out: unknown[] = [];
  for await (const x of stage.run(asyncIterableOf(records), ctx)) {
    out.push(x);
    (isReject(x) ? rejects : kept).push(x as T);
  }
  return { kept, rejects, out, counters: ctx.stats.counters, stats: ctx.stats };
}
