/**
 * What `push` commits loads with `datasets.load_dataset(repo folder)`: the fake Hub
 * (test/hub/fake-hub.ts) stores the commit; its files are written to a folder exactly as a clone
 * of the repo would hold them, and datasets reads the card's `configs` to find the splits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pushDataset } from '../../src/hub/index.js';
import { runTokenize } from '../../src/format/run-tokenize.js';
import { FakeHub } from '../hub/fake-hub.js';
import { TOKEN } from '../hub/helpers.js';
import { sharedData, tempDir } from '../helpers/paths.js';
import { HAS_PYTHON, py, SKIP_REASON } from './python.js';

const tmp = tempDir('sftforge-interop-push-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DUMMY = sharedData('public', 'FastChat_dummy_conversation.json');

async function pushAndClone(dir: string, repo: string): Promise<string> {
  const hub = await new FakeHub().start();
  try {
    await pushDataset({ dir, repo, hubUrl: hub.url, env: { HF_TOKEN: TOKEN }, useXet: false, log: () => {} });
    const out = join(tmp, 'clones', repo.replace('/', '--'));
    for (const [path, f] of hub.commits(repo).at(-1)!.files) {
      mkdirSync(dirname(join(out, path)), { recursive: true });
      writeFileSync(join(out, path), f.content);
    }
    return out;
  } finally {
    await hub.stop();
  }
}

const LOAD = `
import json, sys
from datasets import load_dataset
a = json.loads(sys.argv[1])
d = load_dataset(a["dir"], cache_dir=a["cache"])
print(json.dumps({k: {"rows": v.num_rows, "columns": v.column_names, "first": v[0]} for k, v in d.items()}))
`;
type Loaded = Record<string, { rows: number; columns: string[]; first: Record<string, unknown> }>;
const load = (dir: string) => py<Loaded>(LOAD, { dir, cache: join(tmp, 'cache') });

describe.skipIf(!HAS_PYTHON)(`load_dataset on pushed repos (${HAS_PYTHON ? 'venv found' : SKIP_REASON})`, () => {
  it('tokenized folder: the train split with every row and the trainer columns', async () => {
    const dir = join(tmp, 'tok');
    const res = await runTokenize({ inputs: [DUMMY], output: dir, tokenizer: 'mistral', template: 'openchat_3.5', maxLen: 1024, pack: true, quiet: true });
    const got = await load(await pushAndClone(dir, 'alice/tok'));
    expect(Object.keys(got)).toEqual(['train']);
    expect(got.train!.rows).toBe(res.manifest.rows);
    expect(got.train!.columns).toEqual(['id', 'input_ids', 'labels', 'attention_mask', 'assistant_masks', 'position_ids', 'seq_lengths', 'seq_ids']);
  }, 120_000);

  it('DatasetDict folder: one split per dataset_dict.json entry', async () => {
    const dir = join(tmp, 'dd');
    await py(
      `
import json, sys
from datasets import Dataset, DatasetDict
a = json.loads(sys.argv[1])
DatasetDict({"train": Dataset.from_dict({"input_ids": [[1, 2], [3]], "labels": [[-100, 2], [3]]}), "test": Dataset.from_dict({"input_ids": [[4, 5, 6]], "labels": [[4, 5, 6]]})}).save_to_disk(a["dir"])
print("null")
`,
      { dir },
    );
    const got = await load(await pushAndClone(dir, 'alice/dd'));
    expect(Object.keys(got).sort()).toEqual(['test', 'train']);
    expect([got.train!.rows, got.test!.rows]).toEqual([2, 1]);
    expect(got.test!.first).toEqual({ input_ids: [4, 5, 6], labels: [4, 5, 6] });
  }, 120_000);

  it('messages JSONL and preference JSONL (no run report needed)', async () => {
    const m = join(tmp, 'msg', 'messages.jsonl');
    mkdirSync(dirname(m), { recursive: true });
    writeFileSync(
      m,
      [
        {
          id: 'a',
          dataset: 'x',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'hello', weight: 0 },
          ],
        },
        {
          id: 'b',
          dataset: 'x',
          messages: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: 'a' },
          ],
        },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const got = await load(await pushAndClone(m, 'alice/msg'));
    expect(got.train!.rows).toBe(2);
    expect(got.train!.columns).toEqual(['id', 'dataset', 'messages']);
    const p = join(tmp, 'pref', 'pairs.jsonl');
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, JSON.stringify({ prompt: 'q', chosen: 'good', rejected: 'bad' }) + '\n');
    const clone = await pushAndClone(p, 'alice/pref');
    expect(readFileSync(join(clone, 'README.md'), 'utf8')).toMatch(/- preference/);
    expect((await load(clone)).train!.first).toEqual({ prompt: 'q', chosen: 'good', rejected: 'bad' });
  }, 120_000);

  it("OpenChat folder: epoch 0 only, with OpenChat's JSONL and the tokenizer_config fragment", async () => {
    const dir = join(tmp, 'oc');
    const res = await runTokenize({ inputs: [DUMMY], output: dir, tokenizer: 'mistral', template: 'openchat_3.5', format: 'parquet-openchat', quiet: true, openchat: { epochs: 2 } });
    const clone = await pushAndClone(dir, 'alice/oc');
    const got = await load(clone);
    expect(got.train!.rows).toBe(res.manifest.rows);
    expect(got.train!.columns).toEqual(['total_length', 'num_seqs', 'seqlens', 'nz_input_ids', 'nz_position_ids', 'nz_shifted_label_ids', 'nz_shifted_loss_weights']);
    expect(JSON.parse(readFileSync(join(clone, 'tokenizer_config.json'), 'utf8')).chat_template).toContain('GPT4 Correct');
    expect(readFileSync(join(clone, 'openchat.0.jsonl'), 'utf8').split('\n').length - 1).toBe(res.manifest.rows);
  }, 120_000);
});
