import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/core/types.js';
import { filterModel, modelFilter, modelMatches } from '../../src/filter/model.js';
import { countTurns, filterTurns, turnsFilter } from '../../src/filter/turns.js';
import { readJson, runStage, sampleConversations } from '../dedup/sample.js';

const conv = (roles: Conversation['turns'][number]['role'][], model?: string): Conversation => ({
  id: 'c',
  source: { file: 'f.json', index: 4 },
  turns: roles.map((role) => ({ role, content: 'x' })),
  ...(model === undefined ? {} : { model }),
});

describe('model filter', () => {
  it('compares the model field exactly, a missing field being ""', () => {
    const o = { model: 'Model: GPT-4' };
    expect(modelMatches(conv(['user'], 'Model: GPT-4'), o)).toBe(true);
    expect(modelMatches(conv(['user'], 'model: gpt-4'), o)).toBe(false);
    expect(modelMatches(conv(['user'], 'Model: GPT-4 '), o)).toBe(false);
    expect(modelMatches(conv(['user']), o)).toBe(false);
    expect(modelMatches(conv(['user']), { model: '' })).toBe(true);
    expect(modelMatches(conv(['user']), { ...o, inverse: true })).toBe(true);
    const r = filterModel(conv(['user'], 'Model: GPT-3.5'), o);
    expect(r).toMatchObject({ __reject: true, reason: 'model_filter', detail: 'model is "Model: GPT-3.5", not "Model: GPT-4"', source: { index: 4 } });
  });

  it('keeps the GPT-4 records of the ShareGPT sample, or the rest with --model-inverse', async () => {
    const convs = sampleConversations();
    const raw = readJson<{ id?: string; model?: unknown }[]>('data/sharegpt_html_sample.json');
    const gpt4 = new Set(raw.filter((r) => r && r.model === 'Model: GPT-4').map((r) => r.id));
    const keep = await runStage(modelFilter({ model: 'Model: GPT-4' }), convs);
    expect(keep.kept.map((c) => c.id)).toEqual(convs.filter((c) => gpt4.has(c.id)).map((c) => c.id));
    expect(keep.kept.length).toBeGreaterThan(1000);
    expect(keep.rejects.every((r) => r.reason === 'model_filter')).toBe(true);
    const inv = await runStage(modelFilter({ model: 'Model: GPT-4', inverse: true }), convs);
    expect(inv.kept.length).toBe(keep.rejects.length);
    expect(inv.rejects.length).toBe(keep.kept.length);
  });
});

describe('turns filter', () => {
  it('counts user and assistant turns, not system ones', () => {
    expect(countTurns(conv(['system', 'user', 'assistant']))).toBe(2);
    expect(countTurns(conv([]))).toBe(0);
  });

  it('rejects below --min-turns and above --max-turns with their reasons', async () => {
    const o = { minTurns: 2, maxTurns: 4 };
    expect(filterTurns(conv(['system', 'user']), o)).toMatchObject({ reason: 'min_turns', detail: '1 turns (system excluded) < --min-turns 2' });
    expect(filterTurns(conv(['user', 'assistant', 'user', 'assistant', 'user']), o)).toMatchObject({ reason: 'max_turns', detail: '5 turns (system excluded) > --max-turns 4' });
    const ok = conv(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(filterTurns(ok, o)).toBe(ok);
    const { kept, rejects } = await runStage(turnsFilter({ minTurns: 3 }), [conv(['user', 'assistant']), ok]);
    expect([kept.length, rejects.map((r) => r.reason)]).toEqual([1, ['min_turns']]);
  });

  it('refuses impossible or malformed bounds', () => {
    expect(() => turnsFilter({ minTurns: 5, maxTurns: 2 })).toThrow(/greater than --max-turns/);
    expect(() => turnsFilter({ minTurns: -1 })).toThrow(/--min-turns must be a non-negative integer/);
    expect(() => turnsFilter({ maxTurns: 1.5 })).toThrow(/--max-turns/);
  });
});
