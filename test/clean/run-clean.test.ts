// The clean stage end to end on the shared dump, checked against the faults its manifest plants.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCleanPreset } from '../helpers/clean.js';
import type { ReportJson } from '../../src/core/report.js';
import { sharedData, tempDir } from '../helpers/paths.js';

const manifest = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.manifest.json'), 'utf8')) as { planted: Record<string, string[]>; records: number; gpt4: number };
const readJsonl = (f: string) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** What each planted fault must become: a reject reason, or 'kept' (repaired or left as is). */
const EXPECTED: Record<string, string> = {
  exact_duplicate: 'duplicate',
  leading_gpt_turn: 'kept',
  trailing_human_turn: 'kept',
  wrong_alternation: 'wrong_format',
  empty_gpt_turn: 'empty_turn',
  rate_limit_turn: 'error_turn',
  single_turn: 'wrong_format',
  missing_conversations: 'malformed',
  null_value: 'malformed',
  unknown_role: 'unknown_role',
  deep_nesting: 'too_deep',
  special_tokens_in_text: 'kept',
};

const rawRecords = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.json'), 'utf8')) as { id: string; conversations?: unknown[] }[];
const byConversations = new Map(rawRecords.map((r, i) => [JSON.stringify(r.conversations), i]));
function tailIsCopy(id: string): boolean {
  const i = rawRecords.findIndex((r) => r.id === id);
  const j = byConversations.get(JSON.stringify(rawRecords[i]!.conversations!.slice(1)));
  return j !== undefined && j < i;
}

describe('the clean preset (runPipeline + cleanSteps) on sharegpt_html_sample.json', () => {
  const dir = tempDir();
  let report: ReportJson;
  let out: { id: string; conversations: { from: string; value: string }[]; source: { file: string; index: number } }[];
  let rejects: { reason: string; id?: string; source: { index: number }; record: unknown }[];

  beforeAll(async () => {
    report = await runCleanPreset([sharedData('sharegpt_html_sample.json')], { output: join(dir, 'w1.jsonl'), workers: 1 });
    out = readJsonl(join(dir, 'w1.jsonl'));
    rejects = readJsonl(join(dir, 'w1.rejects.jsonl'));
  });

  it('accounts for every record: in = out + rejected, per reason in the report', () => {
    const rejected = Object.values(report.rejects).reduce((a, b) => a + b, 0);
    expect(report.records_in).toBe(manifest.records);
    expect(report.records_in).toBe(report.records_out + rejected);
    expect(out.length).toBe(report.records_out);
    expect(rejects.length).toBe(rejected);
  });

  it('turns every planted fault into its expected outcome', () => {
    const kept = new Set(out.map((r) => r.id));
    const rejectedAs = new Map(rejects.map((r) => [r.id, r.reason]));
    for (const [kind, ids] of Object.entries(manifest.planted)) {
      if (kind === 'exact_duplicate') continue; // by group, below: a copy may precede its original
      for (const id of ids) {
        // A planted leading turn that is a copy of another record once the turn is removed is a
        // duplicate after repair: dedup runs on cleaned conversations, as it should.
        if (kind === 'leading_gpt_turn' && tailIsCopy(id)) {
          expect(`${kind} ${id}: ${rejectedAs.get(id)}`).toBe(`${kind} ${id}: duplicate`);
          continue;
        }
        const got = kept.has(id) ? 'kept' : (rejectedAs.get(id) ?? 'missing');
        expect(`${kind} ${id}: ${got}`).toBe(`${kind} ${id}: ${EXPECTED[kind]}`);
      }
    }
    // Every other record is kept: the planted ones are the only faults.
    const planted = new Set(Object.values(manifest.planted).flat());
    // Real short exchanges ("②" → "加布里埃尔倒立！") fall under FastChat's 16-character rule too:
    // checked independently on the user text plus the truth Markdown.
    const truth = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.truth.json'), 'utf8')) as Record<string, string[]>;
    const chars = (id: string) => {
      const r = rawRecords.find((x) => x.id === id)! as { conversations: { from: string; value: string }[] };
      return [...r.conversations.filter((c) => c.from === 'human').map((c) => c.value.trim()), ...truth[id]!.map((t) => t.trim())].join('').length;
    };
    const short = rejects.filter((r) => r.reason === 'too_short' && r.id && !planted.has(r.id));
    for (const r of short) expect(chars(r.id!)).toBeLessThan(16);
    // Answers of only a zero-width space (`<p>\u200b</p>`) are empty: checked on the truth Markdown.
    const invisible = (x: string) => x.replace(/[\s\u200b-\u200d\u2060\ufeff]/g, '') === '';
    for (const r of rejects.filter((x) => x.reason === 'empty_turn' && x.id && !planted.has(x.id))) expect(truth[r.id!]!.some(invisible)).toBe(true);
    const unexpected = rejects.filter((r) => r.id && !planted.has(r.id) && !['duplicate', 'too_short', 'empty_turn'].includes(r.reason));
    expect(unexpected.map((r) => `${r.id}:${r.reason}`)).toEqual([]);
    expect(report.repairs.leading_assistant_removed).toBe(manifest.planted.leading_gpt_turn!.length);
    expect(manifest.planted.leading_gpt_turn!.filter(tailIsCopy).length).toBeLessThan(manifest.planted.leading_gpt_turn!.length);
  });

  it('keeps the first occurrence of each duplicate group, in file order, and names it in the reject', () => {
    // Groups built independently of the deduper: identical `conversations` in the raw file.
    const raw = rawRecords;
    const groups = new Map<string, string[]>();
    for (const r of raw) {
      const k = JSON.stringify(r.conversations);
      groups.set(k, [...(groups.get(k) ?? []), r.id]);
    }
    const planted = new Set(manifest.planted.exact_duplicate);
    const keptAt = new Map(out.map((r) => [r.id, r.source.index]));
    const position = new Map(raw.map((r, i) => [r.id, i]));
    const dupOf = new Map(rejects.filter((r) => r.reason === 'duplicate').map((r) => [r.id, /duplicate of (\S+)/.exec((r as { detail?: string }).detail ?? '')?.[1]]));
    let checked = 0;
    for (const ids of groups.values()) {
      if (ids.length < 2 || !ids.some((id) => planted.has(id))) continue;
      // One survivor per group: the first member, unless an earlier record (a repaired one) already
      // holds the same cleaned conversation; every other member names that survivor.
      const survivor = keptAt.has(ids[0]!) ? ids[0]! : dupOf.get(ids[0]!)!;
      expect(keptAt.has(survivor)).toBe(true);
      expect(position.get(survivor)!).toBeLessThanOrEqual(position.get(ids[0]!)!);
      for (const id of ids) {
        if (id === survivor) continue;
        expect(`${id} -> ${dupOf.get(id)}`).toBe(`${id} -> ${survivor}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(manifest.planted.exact_duplicate!.length);
  });

  it('keeps special-token strings a user typed as plain text', () => {
    for (const id of manifest.planted.special_tokens_in_text!) {
      const r = out.find((x) => x.id === id)!;
      expect(r.conversations.map((c) => c.value).join('\n')).toMatch(/<\/s>|<\|im_end\|>|<\|end_of_turn\|>/);
    }
  });

  it('writes source positions and keeps input order', () => {
    const idx = out.map((r) => r.source.index);
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(out[0]!.source.file).toBe(sharedData('sharegpt_html_sample.json'));
  });

  it('gives byte-identical output with 2 workers and on a second run', async () => {
    await runCleanPreset([sharedData('sharegpt_html_sample.json')], { output: join(dir, 'w2.jsonl'), workers: 2 });
    expect(readFileSync(join(dir, 'w2.jsonl')).equals(readFileSync(join(dir, 'w1.jsonl')))).toBe(true);
    expect(readFileSync(join(dir, 'w2.rejects.jsonl')).equals(readFileSync(join(dir, 'w1.rejects.jsonl')))).toBe(true);
  });

  it('the GPT-4 filter keeps exactly the GPT-4 records that survive cleaning', async () => {
    const rep = await runCleanPreset([join(dir, 'w1.jsonl')], { output: join(dir, 'gpt4.jsonl'), model: 'Model: GPT-4', workers: 1 });
    const gpt4 = readJsonl(join(dir, 'gpt4.jsonl'));
    expect(gpt4.length).toBe(out.filter((r) => (r as { model?: string }).model === 'Model: GPT-4').length);
    expect(gpt4.length).toBeGreaterThan(manifest.gpt4 * 0.8);
    expect(rep.rejects.model_filter).toBe(out.length - gpt4.length);
  });
});
