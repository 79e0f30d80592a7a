/**
 * The tokenize stage turns the Rust library's within-batch parallelism off (TOKENIZERS_PARALLELISM)
 * while it runs with the native backend in this thread: a value the user set is kept, nothing is
 * left behind after the run (child processes would inherit it), the JS backend never sees it, and
 * the rows are the same either way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Item } from '../../src/core/types.js';
import tokenizeStage, { TokenizeOptions } from '../../src/format/stages/tokenize.js';
import { serialBatches } from '../../src/format/tokenizer/native.js';

const KEY = 'TOKENIZERS_PARALLELISM';
const before = process.env[KEY];
beforeEach(() => {
  delete process.env[KEY];
});
afterEach(() => {
  if (before === undefined) delete process.env[KEY];
  else process.env[KEY] = before;
});

describe('serialBatches', () => {
  it('sets it to false when unset, and restore removes it', () => {
    const s = serialBatches();
    expect(s.serial).toBe(true);
    expect(process.env[KEY]).toBe('false');
    s.restore();
    expect(process.env[KEY]).toBeUndefined();
  });

  it.each([
    ['true', false],
    ['1', false],
    ['false', true],
    ['OFF', true],
    ['0', true],
  ])('leaves the value %s the user set (serial: %s)', (v, serial) => {
    process.env[KEY] = v;
    const s = serialBatches();
    expect(s.serial).toBe(serial);
    s.restore();
    expect(process.env[KEY]).toBe(v);
  });
});

const convs: Conversation[] = Array.from({ length: 9 }, (_, i) => ({
  id: `c${i}`,
  source: { file: 't.jsonl', line: i + 1 },
  turns: [
    { role: 'user', content: `Question ${i}: what is ${i} × ${i}? 你好 😀` },
    { role: 'assistant', content: `It is ${i * i}.\n\n\`\`\`py\nprint(${i} * ${i})\n\`\`\`` },
    { role: 'user', content: 'Thanks </s> <|im_end|>' },
    { role: 'assistant', content: ' You are welcome. ' },
  ],
}));

async function* from<T>(xs: readonly T[]): AsyncGenerator<T> {
  for (const x of xs) yield x;
}

/** Runs the stage; `during` is the variable's value each time a row comes out. */
async function run(backend: 'native' | 'js'): Promise<{ rows: Item[]; during: (string | undefined)[] }> {
  const stage = await tokenizeStage.create(TokenizeOptions.parse({ tokenizer: 'qwen3', template: 'chatml', backend, batch_size: 2 }));
  const ctx = { stats: { count: () => undefined }, log: () => undefined } as never;
  const rows: Item[] = [];
  const during: (string | undefined)[] = [];
  for await (const it of stage.run(from(convs as Item[]), ctx)) {
    rows.push(it);
    during.push(process.env[KEY]);
  }
  return { rows, during };
}

describe('the tokenize stage', () => {
  it('native: serial during the run, unset after; the same rows as rayon on and as the JS backend', async () => {
    const serial = await run('native');
    expect(serial.rows).toHaveLength(convs.length);
    expect(new Set(serial.during)).toEqual(new Set(['false']));
    expect(process.env[KEY]).toBeUndefined();

    process.env[KEY] = 'true';
    const parallel = await run('native');
    expect(new Set(parallel.during)).toEqual(new Set(['true']));
    expect(process.env[KEY]).toBe('true');
    expect(parallel.rows).toEqual(serial.rows);

    delete process.env[KEY];
    const js = await run('js');
    expect(new Set(js.during)).toEqual(new Set([undefined]));
    expect(process.env[KEY]).toBeUndefined();
    expect(js.rows).toEqual(serial.rows);
  });
});
