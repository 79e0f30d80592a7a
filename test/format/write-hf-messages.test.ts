/**
 * write_hf without a tokenize step: conversations as messages rows {id, dataset, messages:[{role,
 * content}]} in the save_to_disk layout; after a split step a DatasetDict folder (train/, test/,
 * dataset_dict.json). Python `datasets` (the interop venv) opens both, and tokenized rows after a
 * split, with load_from_disk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { runPipeline } from '../../src/index.js';
import { MESSAGES_FEATURES } from '../../src/format/writers/messages-arrow.js';
import { tempDir } from '../helpers/paths.js';
import { HAS_PYTHON, py, SKIP_REASON } from '../interop/python.js';

const tmp = tempDir('sftforge-write-hf-messages-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Msg = { role: string; content: string };
// Ten conversations: a system turn, several turns, non-ASCII and an empty-looking-but-valid reply.
const CONVS: { id: string; messages: Msg[] }[] = Array.from({ length: 10 }, (_, i) => ({
  id: `c${i}`,
  messages: [
    ...(i % 3 === 0 ? [{ role: 'system', content: `Be brief (${i}).` }] : []),
    { role: 'user', content: `Question ${i}: what is ${i} + ${i}? — ünïcödé 🙂` },
    { role: 'assistant', content: `It is ${2 * i}.` },
    ...(i % 2 === 0
      ? [
          { role: 'user', content: `And ${i} × 3?` },
          { role: 'assistant', content: `${3 * i}, with\nnewlines\tand "quotes".` },
        ]
      : []),
  ],
}));
const input = join(tmp, 'chats.jsonl');
writeFileSync(input, CONVS.map((c) => JSON.stringify(c)).join('\n') + '\n');
const want = CONVS.map((c) => ({ id: c.id, dataset: 'chats', messages: c.messages }));

const out = (name: string) => join(tmp, name);
const read = { stage: 'read', paths: [input] };
const split = { stage: 'split', test: '0.2', seed: 1 };

/** Rows of a save_to_disk folder as apache-arrow reads them (state.json's shard order). */
function rowsOf(dir: string): Record<string, unknown>[] {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { _data_files: { filename: string }[] };
  return state._data_files.flatMap((f) =>
    tableFromIPC(readFileSync(join(dir, f.filename)))
      .toArray()
      .map((r) => JSON.parse(JSON.stringify(r.toJSON())) as Record<string, unknown>),
  );
}
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

describe('write_hf with messages rows (no tokenize step)', () => {
  beforeAll(async () => {
    await runPipeline({ name: 'plain', steps: [read, { stage: 'write_hf', path: out('plain') }] });
    await runPipeline({ name: 'split', steps: [read, split, { stage: 'write_hf', path: out('dict') }] });
  }, 60_000);

  it('no split: one dataset, every conversation as {id, dataset, messages}, in input order', () => {
    const dir = out('plain');
    expect(readdirSync(dir).sort()).toEqual(['data-00000-of-00001.arrow', 'dataset_info.json', 'sftforge.json', 'state.json']);
    expect(rowsOf(dir)).toEqual(want);
    expect(json(join(dir, 'dataset_info.json')).features).toEqual(MESSAGES_FEATURES);
    const m = json(join(dir, 'sftforge.json'));
    expect(m).toMatchObject({ kind: 'messages', format: 'hf', rows: 10, report: { records_in: 10, records_out: 10 } });
    expect(m.shards).toHaveLength(1);
    expect(m.shards[0]).toMatchObject({ file: 'data-00000-of-00001.arrow', rows: 10 });
    expect(m.shards[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(dir, 'tokenizer_config.json'))).toBe(false);
  });

  it('after split: train/ and test/ with dataset_dict.json, 8 + 2 rows, together the input', () => {
    const dir = out('dict');
    expect(json(join(dir, 'dataset_dict.json'))).toEqual({ splits: ['test', 'train'] });
    const train = rowsOf(join(dir, 'train'));
    const test = rowsOf(join(dir, 'test'));
    expect([train.length, test.length]).toEqual([8, 2]);
    const byId = (a: Record<string, unknown>[]) => [...a].sort((x, y) => String(x.id).localeCompare(String(y.id), 'en', { numeric: true }));
    expect(byId([...train, ...test])).toEqual(want);
    for (const s of ['train', 'test']) {
      expect(json(join(dir, s, 'sftforge.json'))).toMatchObject({ kind: 'messages', rows: s === 'train' ? 8 : 2 });
      expect(json(join(dir, s, 'dataset_info.json')).features).toEqual(MESSAGES_FEATURES);
    }
  });

  it('same input and options give byte-identical shards', async () => {
    await runPipeline({ name: 'again', steps: [read, split, { stage: 'write_hf', path: out('dict2') }] });
    for (const s of ['train', 'test']) {
      for (const f of ['data-00000-of-00001.arrow', 'state.json', 'dataset_info.json']) {
        expect(readFileSync(join(out('dict2'), s, f)).equals(readFileSync(join(out('dict'), s, f)))).toBe(true);
      }
    }
  }, 60_000);

  it('a message weight has no column: the turns are counted in the report', async () => {
    const wIn = join(tmp, 'weighted.jsonl');
    writeFileSync(
      wIn,
      JSON.stringify({
        id: 'w',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'yo', weight: 0 },
        ],
      }) + '\n',
    );
    const r = await runPipeline({
      name: 'w',
      steps: [
        { stage: 'read', paths: [wIn] },
        { stage: 'write_hf', path: out('weighted') },
      ],
    });
    expect(r!.outputs[0]!.report.counters).toMatchObject({ messages_weight_not_written: 1 });
    expect(rowsOf(out('weighted'))).toEqual([
      {
        id: 'w',
        dataset: 'weighted',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'yo' },
        ],
      },
    ]);
  }, 60_000);

  it('refuses pack between split and write_hf (it would mix train and test rows)', async () => {
    await expect(
      runPipeline({ name: 'bad', steps: [read, split, { stage: 'tokenize', tokenizer: 'qwen3', template: 'chatml' }, { stage: 'pack' }, { stage: 'write_hf', path: out('bad') }] }),
    ).rejects.toThrow(/pack step after split/);
  }, 60_000);
});

const LOAD = `
import json, sys
from datasets import load_from_disk, Dataset, DatasetDict
a = json.loads(sys.argv[1])
d = load_from_disk(a["dir"])
if isinstance(d, DatasetDict):
    print(json.dumps({"type": "DatasetDict", "splits": {k: {"rows": v.to_list(), "features": str(v.features), "columns": v.column_names} for k, v in d.items()}}))
else:
    assert isinstance(d, Dataset)
    print(json.dumps({"type": "Dataset", "rows": d.to_list(), "features": str(d.features), "columns": d.column_names}))
`;

interface Loaded {
  type: 'Dataset' | 'DatasetDict';
  rows?: Record<string, unknown>[];
  columns?: string[];
  features?: string;
  splits?: Record<string, { rows: Record<string, unknown>[]; columns: string[]; features: string }>;
}

describe.skipIf(!HAS_PYTHON)(`datasets.load_from_disk opens write_hf folders (${HAS_PYTHON ? 'venv found' : SKIP_REASON})`, () => {
  beforeAll(async () => {
    // The folders of the first describe, rebuilt here so this block runs alone too (-t).
    await runPipeline({ name: 'plain', steps: [read, { stage: 'write_hf', path: out('py-plain') }] });
    await runPipeline({ name: 'split', steps: [read, split, { stage: 'write_hf', path: out('py-dict') }] });
    await runPipeline({ name: 'tok', steps: [read, split, { stage: 'tokenize', tokenizer: 'qwen3', template: 'chatml' }, { stage: 'write_hf', path: out('py-tok') }] });
  }, 120_000);

  it('messages without split: a Dataset whose rows equal the input messages', async () => {
    const got = await py<Loaded>(LOAD, { dir: out('py-plain') });
    expect(got.type).toBe('Dataset');
    expect(got.columns).toEqual(['id', 'dataset', 'messages']);
    expect(got.features).toBe("{'id': Value('string'), 'dataset': Value('string'), 'messages': List({'role': Value('string'), 'content': Value('string')})}");
    expect(got.rows).toEqual(want);
  }, 120_000);

  it('messages after split: a DatasetDict with train and test, rows equal to the input', async () => {
    const got = await py<Loaded>(LOAD, { dir: out('py-dict') });
    expect(got.type).toBe('DatasetDict');
    expect(Object.keys(got.splits!).sort()).toEqual(['test', 'train']);
    const { train, test } = got.splits!;
    expect([train!.rows.length, test!.rows.length]).toEqual([8, 2]);
    expect(train!.rows).toEqual(rowsOf(join(out('py-dict'), 'train')));
    expect(test!.rows).toEqual(rowsOf(join(out('py-dict'), 'test')));
    const all = [...train!.rows, ...test!.rows].sort((x, y) => String(x.id).localeCompare(String(y.id), 'en', { numeric: true }));
    expect(all).toEqual(want);
  }, 120_000);

  it('tokenized rows after split: a DatasetDict with train and test, rows as written', async () => {
    const dir = out('py-tok');
    expect(json(join(dir, 'dataset_dict.json'))).toEqual({ splits: ['test', 'train'] });
    const got = await py<Loaded>(LOAD, { dir });
    expect(got.type).toBe('DatasetDict');
    expect(Object.keys(got.splits!).sort()).toEqual(['test', 'train']);
    for (const s of ['train', 'test'] as const) {
      const split = got.splits![s]!;
      expect(split.columns).toEqual(['id', 'input_ids', 'labels', 'attention_mask', 'assistant_masks']);
      expect(split.rows).toEqual(rowsOf(join(dir, s)));
      expect(json(join(dir, s, 'sftforge.json'))).toMatchObject({ kind: 'tokenized', template: 'chatml', tokenizer: 'qwen3' });
    }
    // Same records on each side as the messages split (same seed, same input): tokenize keeps the tag.
    const ids = (d: string, s: string) => rowsOf(join(d, s)).map((r) => r.id);
    expect(ids(dir, 'test')).toEqual(ids(out('py-dict'), 'test'));
    expect([got.splits!.train!.rows.length, got.splits!.test!.rows.length]).toEqual([8, 2]);
  }, 120_000);
});
