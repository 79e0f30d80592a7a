import { describe, expect, it } from 'vitest';
import { reject, type Conversation } from '../../src/core/types.js';
import { applyUnwanted, defaultUnwantedPhrases, unwantedFilter, unwantedPhrasesFromSpec } from '../../src/filter/unwanted.js';
import { PhraseMatcher } from '../../src/filter/phrase-matcher.js';
import { runStage } from '../dedup/sample.js';

const conv = (...contents: string[]): Conversation => ({
  id: 'u1',
  source: { file: 'f.jsonl', line: 9 },
  turns: contents.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })),
});

describe('unwanted phrases', () => {
  it('ships the OpenChat list (with its trailing-space phrase intact)', () => {
    const list = defaultUnwantedPhrases();
    expect(list).toHaveLength(112);
    expect(list).toContain('As an AI language model, I cannot');
    expect(list).toContain('my purpose is to ');
    expect(list).toContain('Lo siento, debe haber habido una confusión');
    expect(unwantedPhrasesFromSpec('foo, bar')).toEqual(['foo', 'bar']);
  });

  const c = conv(
    'As an AI language model, what do you think?', // user turn: never matched
    'Paris is the capital of France.',
    'And you?',
    'As an AI language model, I don’t have opinions.', // curly apostrophe, matched case-insensitively
  );

  it('mask keeps the conversation and sets weight 0 on the matching assistant turns only', async () => {
    const m = new PhraseMatcher(defaultUnwantedPhrases());
    const { out, masked } = applyUnwanted(c, m, 'mask');
    expect(masked).toBe(1);
    const o = out as Conversation;
    expect(o.turns.map((t) => t.weight)).toEqual([undefined, undefined, undefined, 0]);
    expect(o.turns[3]!.content).toBe(c.turns[3]!.content);
    expect(c.turns[3]!.weight).toBeUndefined(); // input not mutated
    const clean = conv('hi', 'hello');
    expect(applyUnwanted(clean, m, 'mask')).toEqual({ out: clean, masked: 0 });
    const { kept, rejects, counters } = await runStage(unwantedFilter({ mode: 'mask' }), [c, clean]);
    expect([kept.length, rejects.length]).toEqual([2, 0]);
    expect(counters.get('unwanted_masked_turns')).toBe(1);
    expect(counters.get('unwanted_masked_conversations')).toBe(1);
  });

  it('drop rejects with reason unwanted_phrase naming the phrase and turn', async () => {
    const { kept, rejects } = await runStage(unwantedFilter({ mode: 'drop' }), [c, conv('hi', 'hello')]);
    expect(kept).toHaveLength(1);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ reason: 'unwanted_phrase', id: 'u1', source: { line: 9 }, record: c });
    expect(rejects[0].detail).toBe('turn 3 (assistant) contains "As an AI language model, I don\'t have"');
  });

  it('passes rejects made upstream on, in order, neither masking nor counting their records', async () => {
    const inner = conv('q', 'As an AI language model, I cannot say.');
    const up = reject({ reason: 'duplicate', source: inner.source, id: 'u0', record: inner });
    for (const mode of ['mask', 'drop'] as const) {
      const { out, counters, rejects } = await runStage(unwantedFilter({ mode }), [up, c]);
      expect(out).toHaveLength(2);
      expect(out[0]).toBe(up);
      expect(inner.turns[1]!.weight).toBeUndefined();
      if (mode === 'mask') {
        expect((out[1] as Conversation).turns.map((t) => t.weight)).toEqual([undefined, undefined, undefined, 0]);
        expect(counters.get('unwanted_masked_conversations')).toBe(1);
        expect(counters.get('unwanted_masked_turns')).toBe(1);
      } else {
        expect(rejects.map((r) => [r.reason, r.id])).toEqual([
          ['duplicate', 'u0'],
          ['unwanted_phrase', 'u1'],
        ]);
      }
    }
  });

  it('uses a custom list and rejects an unknown mode', async () => {
    const { rejects } = await runStage(unwantedFilter({ mode: 'drop', phrases: ['capital of'] }), [c]);
    expect(rejects[0].detail).toBe('turn 1 (assistant) contains "capital of"');
    expect(() => unwantedFilter({ mode: 'hide' as 'mask' })).toThrow(/mask or drop/);
  });
});
