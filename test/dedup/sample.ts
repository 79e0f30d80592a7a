/** Test helpers: the shared data as Conversations (human→user, gpt→assistant; malformed records skipped). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Conversation, Role } from '../../src/core/types.js';

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
  const lines = readFileSync(resolve(SHARED, 'data/public/MedicalGPT_sharegpt_zh_1K_format.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((l, i) => fromShareGpt(JSON.parse(l), 'MedicalGPT_sharegpt_zh_1K_format.jsonl', i, `line${i + 1}`)!);
}

/** Runs a stage over records and splits its output into kept records and rejects. */
export async function runStage<T>(
  stage: { run(input: AsyncIterable<T>, ctx: any): AsyncIterable<unknown> },
  records: T[],
): Promise<{ kept: T[]; rejects: any[]; counters: Map<string, number> }> {
  const { Report } = await import('../../src/core/report.js');
  const { isReject } = await import('../../src/core/types.js');
  const report = new Report('test');
  async function* src() {
    yield* records;
  }
  const kept: T[] = [];
  const rejects: any[] = [];
  for await (const x of stage.run(src(), { report })) (isReject(x) ? rejects : kept).push(x as T);
  return { kept, rejects, counters: report.counters };
}
