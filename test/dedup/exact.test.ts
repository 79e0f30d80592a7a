import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import xxhash from 'xxhash-wasm';
import type { Conversation } from '../../src/core/types.js';
import { conversationHash, conversationKey, createExactDedup, dedupExact, ExactDeduper, exactDedup, normalizeContent, rankOf } from '../../src/dedup/exact.js';
import { HashTable64 } from '../../src/dedup/hash-table.js';
import { readJson, runStage, sampleConversations } from './sample.js';

const conv = (turns: [Conversation['turns'][number]['role'], string][], id = 'c'): Conversation => ({
  id,
  source: { file: 't.json', index: 0 },
  turns: turns.map(([role, content]) => ({ role, content })),
});

const FIXED = conv([
  ['system', 'You are helpful.'],
  ['user', '  Hello,\n\n  world!  '],
  ['assistant', 'Cafe\u0301 au lait.'], // e + combining acute: NFC makes it é
]);

describe('conversationHash', () => {
  it('hashes the documented key string with xxHash64 seed 0', async () => {
    const xx = await xxhash();
    // The library itself against published XXH64 vectors.
    expect(xx.h64('', 0n)).toBe(0xef46db3751d8e999n);
    expect(xx.h64('abc', 0n)).toBe(0x44bc2cf5ad770999n);
    const documented = '[["system","You are helpful."],["user","Hello, world!"],["assistant","Café au lait."]]';
    expect(conversationKey(FIXED)).toBe(documented);
    expect(conversationHash(FIXED)).toBe(xx.h64(documented, 0n));
    // Pinned: a change of normalization or encoding changes this and breaks cross-run dedup.
    expect(conversationHash(FIXED)).toBe(0xdcce6d59c88f8e00n);
  });

  it('normalizes NFC, whitespace runs and ends; ignores id, model, weights', () => {
    expect(normalizeContent(' a\t\n b\u00a0 c ')).toBe('a b c');
    const same = {
      ...conv(
        [
          ['system', 'You are helpful.'],
          ['user', 'Hello, world!'],
          ['assistant', 'Café au lait.'],
        ],
        'other',
      ),
      model: 'Model: GPT-4',
    };
    same.turns[2]!.weight = 0;
    expect(conversationHash(same)).toBe(conversationHash(FIXED));
  });

  it('distinguishes roles, turn boundaries and content', () => {
    const a = conv([
      ['user', 'x'],
      ['assistant', 'y'],
    ]);
    expect(
      conversationHash(
        conv([
          ['assistant', 'x'],
          ['user', 'y'],
        ]),
      ),
    ).not.toBe(conversationHash(a));
    expect(conversationHash(conv([['user', 'x y']]))).not.toBe(
      conversationHash(
        conv([
          ['user', 'x'],
          ['user', 'y'],
        ]),
      ),
    );
    expect(
      conversationHash(
        conv([
          ['user', 'x'],
          ['assistant', 'Y'],
        ]),
      ),
    ).not.toBe(conversationHash(a));
  });

  it('is the same on two runs over the ShareGPT sample', () => {
    const convs = sampleConversations();
    const a = convs.map(conversationHash);
    const b = convs.map((c) => conversationHash(structuredClone(c)));
    expect(b).toEqual(a);
  });

  it('rankOf puts identical conversations on one rank and spreads the rest', () => {
    const convs = sampleConversations().slice(0, 2000);
    const counts = [0, 0, 0, 0];
    for (const c of convs) counts[rankOf(conversationHash(c), 4)]!++;
    for (const n of counts) expect(n).toBeGreaterThan(400); // 500 expected each
    expect(rankOf(conversationHash(structuredClone(FIXED)), 7)).toBe(rankOf(conversationHash(FIXED), 7));
    expect(rankOf(0xdcce6d59c88f8e00n, 7)).toBe(Number(0xdcce6d59c88f8e00n % 7n));
    expect(() => rankOf(1n, 0)).toThrow(RangeError);
  });
});

describe('exact dedup', () => {
  it('removes the planted exact duplicates of the ShareGPT sample, first occurrence wins', async () => {
    const convs = sampleConversations();
    const manifest = readJson<{ planted: { exact_duplicate: string[] } }>('data/sharegpt_html_sample.manifest.json');
    const planted = new Set(manifest.planted.exact_duplicate);
    const { kept, rejects } = await runStage(exactDedup(), convs);
    expect(kept.length + rejects.length).toBe(convs.length);
    expect(rejects).toHaveLength(planted.size);
    // Expected groups, independently of the hash: records with identical turns (JSON-equal).
    const groups = new Map<string, string[]>();
    for (const c of convs) {
      const k = JSON.stringify(c.turns);
      groups.set(k, [...(groups.get(k) ?? []), c.id]);
    }
    const expected = new Map<string, string>(); // rejected id → first id of its group
    for (const ids of groups.values()) {
      if (ids.length === 1) continue;
      // Each group is one original and one or two planted copies, in any order in the file.
      expect(ids.filter((id) => !planted.has(id))).toHaveLength(1);
      for (const id of ids.slice(1)) expected.set(id, ids[0]!);
    }
    const byId = new Map(convs.map((c) => [c.id, c]));
    const got = new Map<string, string>();
    for (const r of rejects) {
      expect(r.reason).toBe('duplicate');
      expect(r.record).toBe(byId.get(r.id)); // the conversation as given
      expect(r.source).toEqual(byId.get(r.id)!.source);
      got.set(r.id, /^duplicate of (\S+) \(xxh64 [0-9a-f]{16}\)$/.exec(r.detail)![1]!);
    }
    expect(got).toEqual(expected);
  });

  it('names the first occurrence by ordinal when ids are not remembered', () => {
    const seen = new ExactDeduper({ rememberIds: false });
    const a = conv([['user', 'a']], 'A');
    expect(dedupExact(conv([['user', 'b']], 'B'), seen)).not.toHaveProperty('__reject');
    expect(dedupExact(a, seen)).toBe(a);
    const r = dedupExact(conv([['user', ' a ']], 'C'), seen);
    expect(r).toMatchObject({ __reject: true, reason: 'duplicate', id: 'C' });
    expect((r as { detail: string }).detail).toMatch(/^duplicate of record #1 /);
  });

  it('starts a fresh seen-set for every run and has an async factory', async () => {
    const stage = await createExactDedup();
    const recs = [conv([['user', 'a']], '1'), conv([['user', 'a']], '2')];
    expect((await runStage(stage, recs)).rejects).toHaveLength(1);
    expect((await runStage(stage, recs)).rejects).toHaveLength(1);
  });
});

describe('HashTable64', () => {
  it('behaves as a Map<u64, first value> (zero hash and growth included)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { maxLength: 300 }), (keys) => {
        const t = new HashTable64(4);
        const ref = new Map<string, number>();
        keys.forEach(([hi, lo], i) => {
          const k = `${hi}:${lo}`;
          const prev = t.setIfAbsent(hi, lo, i);
          expect(prev).toBe(ref.has(k) ? ref.get(k) : -1);
          if (!ref.has(k)) ref.set(k, i);
        });
        expect(t.size).toBe(ref.size);
        for (const [k, v] of ref) {
          const [hi, lo] = k.split(':').map(Number);
          expect(t.get(hi!, lo!)).toBe(v);
        }
        expect(t.get(41, 41)).toBe(-1);
      }),
    );
  });
});

describe('IdArena (ids of first occurrences, packed)', () => {
  it('returns every id it was given, unicode included, across growth', async () => {
    const { IdArena } = await import('../../src/dedup/exact.js');
    const a = new IdArena();
    const ids = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 0 ? `记录-${i}-😀` : `id${i}`));
    ids.forEach((id, i) => expect(a.push(id)).toBe(i));
    for (const i of [0, 1, 6, 7, 4095, 4096, 19_999]) expect(a.get(i)).toBe(ids[i]);
    expect(() => a.get(20_000)).toThrow(RangeError);
  });
});
