/**
 * tokenize's output as Python `datasets` reads it: load_from_disk and load_dataset("arrow") on the
 * folder, packed and not; every row equal to what sftforge wrote (read with apache-arrow here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { runTokenize } from '../../src/format/run-tokenize.js';
import { sharedData, tempDir } from '../helpers/paths.js';
import { HAS_PYTHON, py, SKIP_REASON } from './python.js';

const DUMMY = sharedData('public', 'FastChat_dummy_conversation.json');
const tmp = tempDir('sftforge-interop-ds-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Row = Record<string, unknown>;
function ours(dir: string): Row[] {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  const rows: Row[] = [];
  for (const f of state._data_files) {
    for (const r of tableFromIPC(readFileSync(join(dir, f.filename))).toArray()) {
      const o: Row = {};
      for (const [k, v] of Object.entries(r.toJSON() as Row)) o[k] = v && typeof v === 'object' && 'toArray' in (v as object) ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v;
      rows.push(o);
    }
  }
  return rows;
}

const LOAD = `
import json, sys, glob, os
from datasets import load_from_disk, load_dataset
a = json.loads(sys.argv[1])
d = load_from_disk(a["dir"])
files = sorted(glob.glob(os.path.join(a["dir"], "*.arrow")))
e = load_dataset("arrow", data_files=files, split="train", cache_dir=a["cache"])
print(json.dumps({"disk": d.to_list(), "arrow": e.to_list(), "features": {k: str(v) for k, v in d.features.items()}, "columns": d.column_names}))
`;

describe.skipIf(!HAS_PYTHON)(`datasets loads tokenize output (${HAS_PYTHON ? 'venv found' : SKIP_REASON})`, () => {
  const dirs: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, pack] of [
      ['flat', false],
      ['packed', true],
    ] as const) {
      dirs[name] = join(tmp, name);
      await runTokenize({ inputs: [DUMMY], output: dirs[name]!, tokenizer: 'mistral', template: 'openchat_3.5', maxLen: 1024, pack, shardSize: 200_000, quiet: true });
    }
  }, 120_000);

  for (const name of ['flat', 'packed']) {
    it(`${name}: load_from_disk and load_dataset("arrow") give every row as written`, async () => {
      const got = await py<{ disk: Row[]; arrow: Row[]; columns: string[] }>(LOAD, { dir: dirs[name], cache: join(tmp, 'cache') });
      const want = ours(dirs[name]!);
      expect(got.disk.length).toBe(want.length);
      expect(got.disk).toEqual(want);
      expect(got.arrow).toEqual(want);
      const cols = ['id', 'input_ids', 'labels', 'attention_mask', 'assistant_masks'];
      expect(got.columns).toEqual(name === 'packed' ? [...cols, 'position_ids', 'seq_lengths', 'seq_ids'] : cols);
    }, 120_000);
  }
});
