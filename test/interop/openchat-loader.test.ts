/**
 * OpenChat's trainer loader on our Parquet, with pyarrow and numpy as it uses them
 * (ochat/training_deepspeed/openchat_dataset.py @47a3596, minus torch): `pq.read_table(f,
 * memory_map=True)`, every column `.to_numpy()`, `metadata_json` from the schema metadata, then
 * `_load_batch`: index rows, `np.concatenate` the five batch keys, pad to a multiple of 64; and
 * train.py's `MODEL_CONFIG_MAP[metadata["model_type"]]` (the keys copied from ochat/config).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTokenize } from '../../src/format/run-tokenize.js';
import { OPENCHAT_MODEL_TYPE_NAMES } from '../../src/format/openchat/model-types.js';
import { sharedData, tempDir } from '../helpers/paths.js';
import { HAS_PYTHON, py, SKIP_REASON } from './python.js';

const tmp = tempDir('sftforge-interop-oc-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LOADER = `
import json, sys
import numpy as np
import pyarrow.parquet as pq
a = json.loads(sys.argv[1])
out = []
for e in range(a["epochs"]):
    table = pq.read_table(f'{a["prefix"]}.{e}.parquet', memory_map=True)
    dataset = {k: v.to_numpy() for k, v in zip(table.column_names, table.columns)}
    metadata = json.loads(table.schema.metadata.get(b"metadata_json", None))
    keys = ["seqlens", "nz_input_ids", "nz_position_ids", "nz_shifted_label_ids", "nz_shifted_loss_weights"]
    indices = np.arange(min(8, len(dataset["total_length"])))
    batch = {k: v[indices] for k, v in dataset.items()}
    batch = {k: np.concatenate(batch[k], axis=0) for k in keys}
    total = batch["nz_input_ids"].size
    ok = int(batch["seqlens"].sum()) == total and int(dataset["total_length"][indices].sum()) == total
    out.append({"model_type": metadata["model_type"], "rows": len(dataset["total_length"]), "ok": ok,
                "dtypes": {k: str(dataset[k].dtype) for k in ["total_length", "num_seqs"]},
                "num_seqs_sum": float(dataset["num_seqs"].sum()), "first_ids": [int(x) for x in dataset["nz_input_ids"][0][:5]], "lens": [int(x) for x in dataset["total_length"][:8]]})
print(json.dumps(out))
`;

describe.skipIf(!HAS_PYTHON)(`OpenChat's OpenchatDataset loader steps (${HAS_PYTHON ? 'venv found' : SKIP_REASON})`, () => {
  it('reads every epoch file, finds a MODEL_CONFIG_MAP key in metadata_json, concatenates a batch', async () => {
    const dir = join(tmp, 'oc');
    const res = await runTokenize({
      inputs: [sharedData('public', 'FastChat_dummy_conversation.json')],
      output: dir,
      tokenizer: 'mistral',
      template: 'openchat_3.5',
      format: 'parquet-openchat',
      quiet: true,
      openchat: { epochs: 3 },
    });
    const got = await py<{ model_type: string; rows: number; ok: boolean; dtypes: Record<string, string>; num_seqs_sum: number; first_ids: number[]; lens: number[] }[]>(LOADER, {
      prefix: join(dir, 'openchat'),
      epochs: 3,
    });
    expect(got).toHaveLength(3);
    for (const g of got) {
      expect(OPENCHAT_MODEL_TYPE_NAMES).toContain(g.model_type);
      expect(g.model_type).toBe('openchat_v3.2_mistral');
      expect(g.rows).toBe(res.manifest.rows);
      expect(g.ok).toBe(true);
      expect(g.dtypes).toEqual({ total_length: 'int32', num_seqs: 'float32' });
      expect(g.first_ids[0]).toBe(1); // BOS
    }
    // Same rows every epoch, different order.
    expect(got[1]!.num_seqs_sum).toBeCloseTo(got[0]!.num_seqs_sum, 0);
    expect(got[1]!.lens).not.toEqual(got[0]!.lens);
    expect(got[2]!.lens).not.toEqual(got[1]!.lens);
  }, 120_000);
});
