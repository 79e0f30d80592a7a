// How many threads `clean` uses when the user did not say: one below ONE_THREAD_BELOW bytes per
// rank (another thread's warm-up costs more than it saves), every core above or when the size is
// unknown. The size comes from the runner, as the read stage stated it.
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ONE_THREAD_BELOW, threadsFor } from '../../src/clean/stages/clean.js';
import { defineStage, registerStages } from '../../src/core/registry.js';
import { runPipeline } from '../../src/index.js';
import { tempDir } from '../helpers/paths.js';
import { writeOneConversation } from '../helpers/clean.js';

describe('threadsFor', () => {
  it('one thread for a small input, every core for a big or unknown one, per rank', () => {
    expect(threadsFor(12e6, 1, 2)).toBe(1);
    expect(threadsFor(ONE_THREAD_BELOW - 1, 1, 8)).toBe(1);
    expect(threadsFor(ONE_THREAD_BELOW, 1, 8)).toBe(8);
    expect(threadsFor(100e6, 1, 2)).toBe(2);
    expect(threadsFor(100e6, 8, 2)).toBe(1); // 12.5 MB per rank
    expect(threadsFor(undefined, 1, 4)).toBe(4);
  });
});

describe('the runner tells a stage the input size and whether workers were given', () => {
  const seen: { bytes?: number; given?: boolean }[] = [];
  registerStages({
    test_probe_ctx: async () => ({
      default: defineStage({
        name: 'test_probe_ctx',
        description: 'records what the context says (test only)',
        kind: 'filter',
        options: z.object({}).strict(),
        scope: 'record',
        create: () => ({
          name: 'test_probe_ctx',
          async *run(input, ctx) {
            for await (const it of input) {
              seen.push({ bytes: ctx.inputBytes?.(), given: ctx.workersGiven });
              yield it;
            }
          },
        }),
      }) as never,
    }),
  });
  const dir = tempDir();
  const file = writeOneConversation(dir);

  it('inputBytes is the file size; workersGiven follows the option', async () => {
    for (const workers of [undefined, 2]) {
      seen.length = 0;
      await runPipeline({ name: 't', steps: [{ stage: 'read', paths: [file] }, { stage: 'test_probe_ctx' }, { stage: 'write_jsonl', path: join(dir, 'out.jsonl') }] }, { workers, quiet: true });
      expect(seen).toEqual([{ bytes: statSync(file).size, given: workers !== undefined }]);
    }
  });
});
