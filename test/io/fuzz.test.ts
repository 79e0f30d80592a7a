// Property tests: no input, however broken, crashes a reader; every record in is a record or a reject out.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConversations } from '../../src/io/read.js';
import { cleanBatch } from '../../src/clean/clean-batch.js';
import { isReject } from '../../src/core/types.js';
import { collect, tempDir } from '../helpers/paths.js';

const dir = tempDir();
let n = 0;

async function readAll(name: string, data: Uint8Array | string) {
  const file = join(dir, `${n++}-${name}`);
  writeFileSync(file, data);
  return collect(readConversations([file]));
}

describe('readers never crash', () => {
  it('on arbitrary bytes, as .json, .jsonl and .json.gz', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        for (const name of ['x.json', 'x.jsonl', 'x.json.gz', 'x.html']) {
          const out = await readAll(name, bytes);
          for (const x of out) if (isReject(x)) expect(x.reason).toMatch(/^(malformed|unknown_role)$/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('on arbitrary JSON, and the cleaner never throws on what the reader yields', async () => {
    const turn = fc.record({ from: fc.constantFrom('human', 'gpt', 'system', 'bing', 'user', 7), value: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()) }, { requiredKeys: [] });
    const rec = fc.oneof(fc.jsonValue(), fc.record({ id: fc.oneof(fc.string(), fc.integer()), conversations: fc.oneof(fc.array(turn), fc.jsonValue()) }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(fc.array(rec, { maxLength: 8 }), async (arr) => {
        const text = JSON.stringify(arr);
        const asArray = await readAll('a.json', text);
        const asLines = await readAll('a.jsonl', arr.map((r) => JSON.stringify(r) ?? 'null').join('\n'));
        expect(asArray.length).toBe(arr.length);
        expect(asLines.length).toBe(arr.filter((r) => (JSON.stringify(r) ?? 'null').trim() !== '').length);
        const cleaned = cleanBatch(arr.map((r, i) => ({ source: { file: 'mem', index: i }, text: JSON.stringify(r) ?? 'null', dialect: 'auto' as const })));
        expect(cleaned).toHaveLength(arr.length);
      }),
      { numRuns: 150 },
    );
  });
});
