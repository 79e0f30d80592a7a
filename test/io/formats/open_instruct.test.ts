/**
 * Every instruction/chat format against open-instruct's own conversion code: the messages its
 * reformat_datasets.py (@503407ee) writes for the hand-written fixtures are in fixtures/expected/.
 */
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../helpers/paths.js';
import { convert, expected, messagesOf, raw } from './helpers.js';

const cases: [string, string, string[]][] = [
  ['alpaca', 'alpaca', [raw('alpaca/alpaca_data.json')]],
  ['dolly', 'dolly', [raw('dolly/databricks-dolly-15k.jsonl')]],
  ['self_instruct', 'self_instruct', [raw('self_instruct/all_instances_82K.jsonl')]],
  ['unnatural', 'unnatural', [raw('unnatural/core_data.jsonl')]],
  ['super_ni_zero', 'super_ni', [raw('super_ni/tasks/task999_count_words.json')]],
  ['flan', 'flan', [raw('flan_v2/tulu_v1_resampled_flan_100k.jsonl')]],
  ['cot', 'cot', [raw('cot/cot_zsopt.jsonl'), raw('cot/cot_fsopt.jsonl')]],
  ['wizardlm', 'wizardlm', [raw('wizardlm/WizardLM_evol_instruct_V2_143k.json')]],
  ['oasst_all', 'oasst', [raw('oasst1/2023-04-12_oasst_ready.trees.jsonl')]],
];

describe('messages agree with open-instruct (fixed instruction encoding)', () => {
  for (const [name, format, files] of cases) {
    it(`${format} (${name})`, async () => {
      const { convs, rejects } = await convert(files, format);
      expect(convs.map(messagesOf)).toEqual(expected(name).map((e) => e.messages));
      if (name !== 'oasst_all') expect(rejects).toEqual([]);
    });
  }

  it('super_ni few-shot prompts: definition, exemplars as Input:/Output:, then the instance', async () => {
    const { convs } = await convert([raw('super_ni/tasks/task999_count_words.json')], 'super_ni', { zeroShot: 1, fewShot: 2, nFewShot: 2 });
    expect(convs.map(messagesOf)).toEqual(expected('super_ni').map((e) => e.messages));
    expect(convs.map((c) => c.id)).toEqual(['task999_count_words-1', 'task999_count_words-2', 'task999_count_words-3']);
  });

  it('baize: rounds split on the markers; a transcript with no round is a reject, not an empty record', async () => {
    const files = ['alpaca', 'medical', 'quora', 'stackoverflow'].map((s) => raw(`baize/${s}_chat_data.json`));
    const { convs, rejects } = await convert(files, 'baize');
    const want = expected('baize').filter((e) => e.messages.length > 0);
    expect(convs.map(messagesOf)).toEqual(want.map((e) => e.messages));
    expect(expected('baize').filter((e) => e.messages.length === 0)).toHaveLength(1);
    expect(rejects.map((r) => [r.reason, r.source.file.endsWith('quora_chat_data.json')])).toEqual([['empty_conversation', true]]);
  });

  it('lima: an odd list loses its last string, as open-instruct cuts it', async () => {
    const { convs } = await convert([raw('lima/train.jsonl')], 'lima');
    expect(convs.map(messagesOf)).toEqual(expected('lima').map((e) => e.messages));
    expect(convs.map((c) => c.meta?.dropped_last_turn ?? false)).toEqual([false, true, true, false]);
  });

  it('sharegpt: the FastChat dummy conversations read as open-instruct reads them', async () => {
    const { convs } = await convert([sharedData('public/FastChat_dummy_conversation.json')], 'sharegpt');
    const want = expected('sharegpt_fastchat');
    expect(convs).toHaveLength(500);
    expect(convs.map(messagesOf)).toEqual(want.map((e) => e.messages));
    expect(convs.map((c) => `sharegpt_${c.id}`)).toEqual(want.map((e) => e.id));
  });
});

describe('random instruction templates (instruction_templates: open-instruct)', () => {
  for (const name of ['alpaca', 'dolly', 'self_instruct', 'unnatural']) {
    it(`${name}: every prompt is one of open-instruct's templates filled with this record`, async () => {
      const files = { alpaca: 'alpaca/alpaca_data.json', dolly: 'dolly/databricks-dolly-15k.jsonl', self_instruct: 'self_instruct/all_instances_82K.jsonl', unnatural: 'unnatural/core_data.jsonl' }[
        name
      ]!;
      const want = expected(name);
      for (const seed of [1, 2, 3]) {
        const { convs } = await convert([raw(files)], name, { instructionTemplates: 'open-instruct', seed });
        convs.forEach((c, i) => expect(want[i]!.random_candidates).toContainEqual([c.turns[0]!.content, c.turns[1]!.content]));
      }
    });
  }

  it('uses every weighted template, the same ones for the same seed, others for another', async () => {
    const seen = { with: new Set<number>(), without: new Set<number>() };
    const run = async (seed: number) => (await convert([raw('alpaca/alpaca_data.json')], 'alpaca', { instructionTemplates: 'open-instruct', seed })).convs;
    for (let seed = 0; seed < 300; seed++) {
      const convs = await run(seed);
      seen.without.add(convs[0]!.meta!.instruction_template as number);
      seen.with.add(convs[1]!.meta!.instruction_template as number);
    }
    expect(seen.with.size).toBe(14);
    expect(seen.without.size).toBe(14);
    expect((await run(5)).map(messagesOf)).toEqual((await run(5)).map(messagesOf));
    const a = JSON.stringify((await run(5)).map(messagesOf));
    const others = await Promise.all([6, 7, 8].map(async (s) => JSON.stringify((await run(s)).map(messagesOf))));
    expect(others.some((o) => o !== a)).toBe(true);
  });
});

describe('random templates draw as open-instruct does (CPython random.seed(seed), one draw per record)', () => {
  const files: Record<string, string> = {
    alpaca_many: 'alpaca_many/alpaca_data.json',
    alpaca: 'alpaca/alpaca_data.json',
    dolly: 'dolly/databricks-dolly-15k.jsonl',
    self_instruct: 'self_instruct/all_instances_82K.jsonl',
    unnatural: 'unnatural/core_data.jsonl',
  };
  for (const [name, file] of Object.entries(files)) {
    it(`${name}: the same template for every record as open-instruct with seed 42`, async () => {
      const format = name === 'alpaca_many' ? 'alpaca' : name;
      const { convs } = await convert([raw(file)], format, { instructionTemplates: 'open-instruct', seed: 42 });
      expect(convs.map(messagesOf)).toEqual(expected(`${name}_random`).map((e) => e.messages));
    });
  }

  it('the same draws when records are converted one by one (the read stage), by position', async () => {
    const { readFileSync } = await import('node:fs');
    const { convertRecord } = await import('../../../src/io/formats/index.js');
    const file = raw('alpaca_many/alpaca_data.json');
    const rows = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
    const got = rows.flatMap((v, index) => convertRecord(v, 'alpaca', { file, index }, { instructionTemplates: 'open-instruct', seed: 42 }));
    expect(got.map((c) => messagesOf(c as never))).toEqual(expected('alpaca_many_random').map((e) => e.messages));
    const want = expected('alpaca_many_random');
    const some = [250, 3, 120].map((index) => convertRecord(rows[index], 'alpaca', { file, index }, { instructionTemplates: 'open-instruct', seed: 42 })[0]);
    expect(some.map((c) => messagesOf(c as never))).toEqual([250, 3, 120].map((i) => want[i]!.messages));
  });
});

describe('super_ni sampling as open-instruct samples (random.sample after random.seed(42))', () => {
  const task = raw('super_ni_big/tasks/task998_echo.json');
  const o = { zeroShot: 4, fewShot: 6, nFewShot: 2, seed: 42 };
  it('fixed templates: the same instances and exemplars', async () => {
    const { convs } = await convert([task], 'super_ni', o);
    const want = expected('super_ni_big');
    expect(convs.map(messagesOf)).toEqual(want.map((e) => e.messages));
    expect(convs.map((c) => `super_ni_${c.id}`)).toEqual(want.map((e) => e.id));
  });
  it('random templates: the same templates too', async () => {
    const { convs } = await convert([task], 'super_ni', { ...o, instructionTemplates: 'open-instruct' });
    expect(convs.map(messagesOf)).toEqual(expected('super_ni_big_random').map((e) => e.messages));
  });
});
