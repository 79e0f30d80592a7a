// A value a worker precomputed is used only while the record is what it was computed from.
import { describe, expect, it } from 'vitest';
import { JsonLine, lineCacheable, precomputedHash, precomputedLine, remember } from '../../src/core/precomputed.js';
import type { Conversation } from '../../src/core/types.js';

const L = Buffer.from('L');
const conv = (): Conversation => ({
  id: 'a',
  turns: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'hello' },
  ],
  source: { file: 'f.json', index: 3, seq: 3 },
});

describe('precomputed hash and line', () => {
  it('are returned while nothing they depend on changed', () => {
    const c = conv();
    const line = Buffer.from('{"id":"a"}');
    remember(c, { hash: 7n, line });
    expect(precomputedHash(c)).toBe(7n);
    expect(precomputedLine(c)).toBe(line);
    c.source.seq = 9; // not part of the line
    expect(precomputedLine(c)).toBe(line);
    expect(precomputedHash(conv())).toBeUndefined(); // another object, never remembered
  });

  it('are dropped when a turn is edited, added or removed', () => {
    for (const edit of [
      (c: Conversation) => void (c.turns[1]!.content = 'bye'),
      (c: Conversation) => void (c.turns[0]!.role = 'system'),
      (c: Conversation) => void c.turns.push({ role: 'user', content: 'more' }),
      (c: Conversation) => void c.turns.pop(),
      (c: Conversation) => void (c.turns = [...c.turns]),
      (c: Conversation) => void (c.turns[1] = { ...c.turns[1]!, content: 'other' }),
    ]) {
      const c = conv();
      remember(c, { hash: 7n, line: L });
      edit(c);
      const same = c.turns.length === 2 && c.turns[0]!.content === 'hi' && c.turns[1]!.content === 'hello' && c.turns[0]!.role === 'user';
      expect(precomputedHash(c)).toBe(same ? 7n : undefined);
      expect(precomputedLine(c)).toBe(same ? L : undefined);
    }
  });

  it('drops the line (not the hash) when the id, model, source, a weight or a nested field changes', () => {
    for (const edit of [
      (c: Conversation) => void (c.id = 'b'),
      (c: Conversation) => void (c.model = 'm'),
      (c: Conversation) => void (c.source.index = 4),
      (c: Conversation) => void (c.meta = { k: 1 }),
      (c: Conversation) => void (c.turns[1]!.tool_calls = []),
    ]) {
      const c = conv();
      remember(c, { hash: 7n, line: L });
      edit(c);
      expect(precomputedLine(c)).toBeUndefined();
      expect(precomputedHash(c)).toBe(7n);
    }
    const w = conv();
    remember(w, { hash: 7n, line: L });
    w.turns[1]!.weight = 0;
    expect(precomputedLine(w)).toBeUndefined();
  });

  it('says which records may have a precomputed line', () => {
    expect(lineCacheable(conv())).toBe(true);
    expect(lineCacheable({ ...conv(), meta: {} })).toBe(false);
    expect(lineCacheable({ ...conv(), scores: {} })).toBe(false);
    expect(new JsonLine(L).bytes).toBe(L);
  });
});
