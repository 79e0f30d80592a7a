/**
 * NativeBackend.limitInFlight: the tokenize stage keeps a few batches read and rendered ahead and
 * lets only two into the Rust library at once; a batch that finishes hands its slot to the next
 * one before its own results are converted (so the encoder threads never wait for this thread's
 * checks), in call order, and a failed encode frees its slot too.
 */
import { describe, expect, it } from 'vitest';
import { NativeBackend } from '../../src/format/tokenizer/native.js';
import type { PreparedSpec } from '../../src/format/tokenizer/spec.js';

interface Call {
  texts: string[];
  resolve(): void;
  reject(e: Error): void;
}

/** A stand-in for the binding: every encodeBatch waits until the test settles it. */
function fakeBinding() {
  const calls: Call[] = [];
  const events: string[] = [];
  const encoding = (text: string) => ({
    getIds: () => [text.length],
    getOffsets: () => [[0, text.length]],
    charToToken: () => 0,
    tokenToChars: (): [number, number] => [0, text.length],
  });
  const tokenizer = {
    encodeBatch(texts: string[]) {
      events.push(`start ${texts.join(',')}`);
      return new Promise((resolve, reject) => {
        calls.push({ texts, resolve: () => resolve(texts.map(encoding)), reject });
      });
    },
    decodeBatch: async () => [],
    idToToken: () => null,
    tokenToId: () => null,
  };
  const mod = { Tokenizer: { fromString: () => tokenizer, fromFile: () => tokenizer } };
  return { mod, calls, events };
}

const spec = { full: { model: { type: 'BPE' }, added_tokens: [] }, specials: new Map(), added: [], vocabSize: 1, prependFirstOnly: false, prefixesEveryPiece: false } as unknown as PreparedSpec;
const tick = () => new Promise((r) => setImmediate(r));

describe('NativeBackend.limitInFlight', () => {
  it('runs at most n encodes at once, in call order, the next starting before the finished one is converted', async () => {
    const { mod, calls, events } = fakeBinding();
    const b = new NativeBackend(mod as never, spec, { text: '{}' });
    b.limitInFlight(2);
    const done = ['a', 'b', 'c', 'd'].map((t) =>
      b.encodeBatch([t], 'full').then((r) => {
        events.push(`converted ${t}`);
        return r;
      }),
    );
    await tick();
    expect(calls.map((c) => c.texts[0])).toEqual(['a', 'b']);
    calls[1]!.resolve(); // b finishes first: c takes its slot
    await tick();
    expect(calls.map((c) => c.texts[0])).toEqual(['a', 'b', 'c']);
    expect(events.indexOf('start c')).toBeLessThan(events.indexOf('converted b'));
    calls[0]!.resolve();
    await tick();
    expect(calls.map((c) => c.texts[0])).toEqual(['a', 'b', 'c', 'd']);
    calls[2]!.resolve();
    calls[3]!.resolve();
    const out = await Promise.all(done);
    expect(out.map((r) => Array.from(r[0]!.ids))).toEqual([[1], [1], [1], [1]]);
  });

  it('frees the slot of a failed encode, and 0 lifts the limit for those waiting', async () => {
    const { mod, calls } = fakeBinding();
    const b = new NativeBackend(mod as never, spec, { text: '{}' });
    b.limitInFlight(1);
    const first = b.encodeBatch(['x'], 'full');
    const second = b.encodeBatch(['y'], 'full');
    const third = b.encodeBatch(['z'], 'full');
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.reject(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    expect(calls).toHaveLength(2);
    b.limitInFlight(0);
    expect(calls).toHaveLength(3);
    calls[1]!.resolve();
    calls[2]!.resolve();
    expect((await second).length).toBe(1);
    expect((await third).length).toBe(1);
  });

  it('has no limit by default', async () => {
    const { mod, calls } = fakeBinding();
    const b = new NativeBackend(mod as never, spec, { text: '{}' });
    const all = ['a', 'b', 'c'].map((t) => b.encodeBatch([t], 'full'));
    await tick();
    expect(calls).toHaveLength(3);
    for (const c of calls) c.resolve();
    await Promise.all(all);
  });
});
