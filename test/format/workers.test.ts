import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTokenize } from '../../src/format/run-tokenize.js';

// Worker threads run the compiled code: `npm test` builds dist/ first (npx tsc -p .).
const tmp = mkdtempSync(join(tmpdir(), 'sftforge-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('--workers', () => {
  it('dist/ has the worker (run npx tsc -p . first)', () => {
    expect(existsSync(resolve(process.cwd(), 'dist/format/worker.js'))).toBe(true);
  });

  it.each([
    ['split', false],
    ['split', true],
  ])('--workers 2 writes byte-identical output to --workers 1 (chunk %s, pack %s)', async (chunk, pack) => {
    const common = {
      inputs: [resolve(process.cwd(), '../shared/data/public/FastChat_dummy_conversation.json')],
      tokenizer: 'llama2',
      template: 'openchat_3.5',
      maxLen: 256,
      chunk: chunk as 'split',
      pack,
      quiet: true,
      batchSize: 32,
    };
    const a = join(tmp, `w1-${pack}`);
    const b = join(tmp, `w2-${pack}`);
    await runTokenize({ ...common, output: a, workers: 1 });
    await runTokenize({ ...common, output: b, workers: 2 });
    const files = readdirSync(a).sort();
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(sha(join(b, f)), f).toBe(sha(join(a, f)));
    expect(sha(`${b}.rejects.jsonl`)).toBe(sha(`${a}.rejects.jsonl`));
  });
});
