// Properties over record structure (deep nesting, huge strings, invalid bytes, BOMs): every
// record in is one record or one reject out, nothing throws, every reject line is bounded, and
// the scans agree with JSON.parse.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConversations, readRaw } from '../../src/io/read.js';
import { normalizeRecord } from '../../src/io/normalize.js';
import { inspectJson } from '../../src/io/limits.js';
import { boundedStringify, rejectLine } from '../../src/io/safe-json.js';
import { isReject } from '../../src/core/types.js';
import { collect, tempDir } from '../helpers/paths.js';

const dir = tempDir();
let n = 0;
const LIMITS = { maxDepth: 64, maxRecordBytes: 64 << 10, keepBytes: 4 << 10 };

/** One record's bytes: a JSON record, optionally wrapped deep, padded huge, or with raw bytes spliced in. */
const recordBytes = fc
  .record({
    id: fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 5 }), fc.constant(undefined)),
    value: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })),
    depth: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1000, max: 20_000 })),
    huge: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200_000 })),
    junk: fc.option(fc.uint8Array({ minLength: 1, maxLength: 4 }), { nil: undefined }),
    bom: fc.boolean(),
  })
  .map(({ id, value, depth, huge, junk, bom }) => {
    const inner = JSON.stringify({
      ...(id !== undefined && { id }),
      conversations: [
        { from: 'human', value },
        { from: 'gpt', value: 'a'.repeat(huge) || 'ok' },
      ],
    });
    const text = '['.repeat(depth) + inner + ']'.repeat(depth);
    const b = Buffer.from(text);
    const cut = Math.min(b.length, 40);
    const body = junk ? Buffer.concat([b.subarray(0, cut), Buffer.from(junk).filter((x) => x !== 0x0a && x !== 0x0d), b.subarray(cut)]) : b;
    return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  });

/** Ids of every JSON type, repeated keys (the last wins), escaped key spellings, nested decoys. */
const idShapes = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }), fc.constantFrom('"id"', '"\\u0069d"', '"i\\u0064"', '"Id"'))
  .map(([a, b, key]) => `{${key}:${JSON.stringify(a) ?? 'null'},"meta":{"id":"decoy"},"conversations":[{"from":"human","value":"q"}]${b === undefined ? '' : `,"id":${JSON.stringify(b) ?? 'null'}`}}`);

describe('readers over hostile record structure', () => {
  it('JSONL: one output per line, bounded reject lines, within time and memory', async () => {
    const heap0 = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(fc.array(recordBytes, { minLength: 1, maxLength: 6 }), async (recs) => {
        const file = join(dir, `${n++}.jsonl`);
        writeFileSync(file, Buffer.concat(recs.flatMap((r) => [r, Buffer.from('\n')])));
        const t0 = Date.now();
        const out = await collect(readConversations([file], { limits: LIMITS, onWarning: () => undefined }));
        expect(out).toHaveLength(recs.length);
        expect(out.map((x) => x.source.line)).toEqual(recs.map((_, i) => i + 1));
        for (const x of out) {
          if (!isReject(x)) continue;
          expect(['malformed', 'too_deep', 'too_large', 'unknown_role']).toContain(x.reason);
          // What a limit reject holds is bounded by keepBytes, however big the record was.
          if (x.reason === 'too_large' || x.reason === 'too_deep') expect(Buffer.byteLength(String(x.record))).toBeLessThanOrEqual(LIMITS.keepBytes);
          const { __reject: _, ...rest } = x;
          expect(Buffer.byteLength(rejectLine(rest, 8 << 10))).toBeLessThan(100 << 10);
        }
        expect(Date.now() - t0).toBeLessThan(5000);
      }),
      { numRuns: 60 },
    );
    expect((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toBeLessThan(256);
  });

  it('JSON array: one output per element, ids unique after the reader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordBytes, { minLength: 1, maxLength: 6 }), async (recs) => {
        // A BOM is only valid at the file's start in an array file: drop the others.
        const parts = recs.map((r) => (r[0] === 0xef ? r.subarray(3) : r));
        const file = join(dir, `${n++}.json`);
        writeFileSync(file, Buffer.concat([Buffer.from('['), ...parts.flatMap((r, i) => (i ? [Buffer.from(','), r] : [r])), Buffer.from(']')]));
        const raw = await collect(readRaw([file], { limits: LIMITS, onWarning: () => undefined }));
        const out = await collect(readConversations([file], { limits: LIMITS, onWarning: () => undefined }));
        expect(out.length).toBeGreaterThanOrEqual(1);
        expect(out.length).toBe(raw.length);
        const ids = out.filter((x) => !isReject(x)).map((x) => (x as { id: string }).id);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 60 },
    );
  });

  it('normalizeRecord never throws on any text, and takes its id where the reader found it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
          recordBytes.map((b) => b.toString('utf8')),
          idShapes,
        ),
        (text) => {
          const out = normalizeRecord({ source: { file: 'mem', line: 1 }, text, dialect: 'auto' }, { maxDepth: 64 });
          expect(out).toBeDefined();
          const shape = inspectJson(text, 64);
          if (!isReject(out) && !shape.tooDeep) expect(out.id).toBe(shape.id ?? 'mem:1');
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('bounded serialisation', () => {
  it('boundedStringify is JSON.stringify when it fits, and a prefix of it when it does not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 400 }), (v, bound) => {
        const full = JSON.stringify(v);
        const got = boundedStringify(v, bound);
        if (Buffer.byteLength(full) <= bound) expect(got).toEqual({ text: full, kept: Buffer.byteLength(full), total: Buffer.byteLength(full) });
        else {
          expect(got.total).toBeNull();
          expect(full.startsWith(got.text)).toBe(true);
          expect(got.kept).toBeLessThanOrEqual(bound);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejectLine always gives one parseable JSON line', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), fc.integer({ min: 16, max: 2000 }), (record, bound) => {
        const line = rejectLine({ reason: 'malformed', source: { file: 'f', line: 1 }, record }, bound);
        expect(line.includes('\n')).toBe(false);
        expect(() => JSON.parse(line)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
