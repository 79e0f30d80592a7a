import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { splitJsonArray, type ArrayEvent } from '../../src/io/json-array.js';
import { chunksOf, collect, sharedData } from '../helpers/paths.js';

const split = (s: string | Buffer, chunk = 7) => collect(splitJsonArray(chunksOf(Buffer.isBuffer(s) ? s : Buffer.from(s), chunk)));
const texts = (evs: ArrayEvent[]) => evs.filter((e) => e.kind === 'element').map((e) => (e as { text: string }).text);

describe('splitJsonArray', () => {
  it('splits elements whatever the chunk size, strings with escapes and brackets included', async () => {
    const arr = [{ a: 'x]}", \\"[{' }, [1, [2]], 'str"ing', 3.5, null, { 'é€😀': '\\' }];
    const src = JSON.stringify(arr, null, 2);
    for (const chunk of [1, 2, 3, 5, 64, 1 << 20]) {
      const evs = await split(src, chunk);
      expect(texts(evs).map((t) => JSON.parse(t))).toEqual(arr);
      expect(evs.every((e) => e.kind === 'element')).toBe(true);
    }
  });

  it('keeps every complete record before a cut and reports the cut element', async () => {
    const src = JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3, v: 'abc' }]);
    const cut = src.slice(0, src.indexOf('abc') + 1);
    const evs = await split(cut);
    expect(texts(evs).map((t) => JSON.parse(t).id)).toEqual([1, 2]);
    const last = evs.at(-1)!;
    expect(last.kind).toBe('truncated');
    expect(last.index).toBe(2);
    expect((last as { text: string }).text.startsWith('{"id":3')).toBe(true);
  });

  it('reports a missing closing bracket after complete elements', async () => {
    const evs = await split('[{"id":1},');
    expect(texts(evs)).toEqual(['{"id":1}']);
    expect(evs.at(-1)).toMatchObject({ kind: 'truncated', index: 1 });
  });

  it('treats one top-level object as one record and rejects other top levels', async () => {
    expect(texts(await split(' {"id":"x","conversations":[]} '))).toEqual(['{"id":"x","conversations":[]}']);
    expect((await split('hello'))[0]).toMatchObject({ kind: 'error' });
    expect((await split(''))[0]).toMatchObject({ kind: 'error', detail: 'the file is empty' });
  });

  it('skips a UTF-8 byte order mark', async () => {
    expect(texts(await split(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')])))).toEqual(['1']);
  });

  it('splits the shared 3,375-record dump exactly as JSON.parse sees it', async () => {
    const buf = readFileSync(sharedData('sharegpt_html_sample.json'));
    const whole = JSON.parse(buf.toString('utf8')) as unknown[];
    const evs = await collect(splitJsonArray(chunksOf(buf, 65536)));
    expect(evs.length).toBe(whole.length);
    expect(evs.every((e, i) => e.kind === 'element' && e.index === i)).toBe(true);
    expect(JSON.parse((evs[1234] as { text: string }).text)).toEqual(whole[1234]);
  });

  it('property: every JSON array round-trips, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue()), fc.integer({ min: 1, max: 50 }), async (arr, chunk) => {
        const evs = await split(JSON.stringify(arr), chunk);
        expect(texts(evs).map((t) => JSON.parse(t))).toEqual(JSON.parse(JSON.stringify(arr)));
      }),
      { numRuns: 200 },
    );
  });

  it('property: strings dense in escapes, whole chunks (the scan reuses its last quote/backslash finds)', async () => {
    const piece = fc.constantFrom('"', '\\', '\n', 'a', ']', '}', '{', ',', 'é', ' ');
    const str = fc.array(piece, { maxLength: 200 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(str, fc.record({ v: str, w: fc.array(str, { maxLength: 3 }) })), { maxLength: 20 }), fc.constantFrom(13, 4096, 1 << 20), async (arr, chunk) => {
        const evs = await split(JSON.stringify(arr), chunk);
        expect(texts(evs).map((t) => JSON.parse(t))).toEqual(arr);
      }),
      { numRuns: 200 },
    );
  });
});
