// Lines given as strings and as UTF-8 bytes (precomputed on worker threads) come out in order.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonlWriter } from '../../src/core/atomic.js';
import { tempDir } from '../helpers/paths.js';

describe('JsonlWriter with string and byte lines', () => {
  it('keeps the order of mixed lines across flushes', async () => {
    const path = join(tempDir(), 'mixed.jsonl');
    const w = await new JsonlWriter(path).open();
    const expected: string[] = [];
    const big = 'é'.repeat(300_000); // over the 1 MB buffer in UTF-16 units and bytes: forces flushes
    for (let i = 0; i < 40; i++) {
      const v = { i, s: i % 7 === 0 ? big : `ü${i}` };
      const line = JSON.stringify(v);
      expected.push(line);
      if (i % 3 === 0) await w.write(v);
      else if (i % 3 === 1) await w.writeLine(Buffer.from(line));
      else await w.writeLine(line);
    }
    await w.commit();
    expect(readFileSync(path, 'utf8')).toBe(expected.join('\n') + '\n');
    expect(w.count).toBe(40);
  });
});
