/** Writes a tiny tokenized dataset folder (save_to_disk layout) for the tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Field, Int32, List, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';

export interface FixtureRow {
  id: string;
  input_ids: number[];
  labels: number[];
  seq_lens?: number[];
}

const listOfInt32 = () => new List(new Field('item', new Int32(), true));

/** One Arrow IPC stream file per element of `shards`, plus state.json and optionally sftforge.json. */
export async function writeTokenizedFolder(dir: string, shards: FixtureRow[][], manifest?: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = shards.map((_, i) => `data-${String(i).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.arrow`);
  for (const [i, rows] of shards.entries()) {
    const cols: Record<string, ReturnType<typeof vectorFromArray>> = {
      id: vectorFromArray(
        rows.map((r) => r.id),
        new Utf8(),
      ),
      input_ids: vectorFromArray(
        rows.map((r) => r.input_ids),
        listOfInt32(),
      ),
      labels: vectorFromArray(
        rows.map((r) => r.labels),
        listOfInt32(),
      ),
    };
    if (rows.some((r) => r.seq_lens))
      cols.seq_lens = vectorFromArray(
        rows.map((r) => r.seq_lens ?? []),
        listOfInt32(),
      );
    await writeFile(join(dir, names[i]!), tableToIPC(new Table(cols), 'stream'));
  }
  await writeFile(join(dir, 'state.json'), JSON.stringify({ _data_files: names.map((filename) => ({ filename })), _fingerprint: 'test', _format_type: null }));
  await writeFile(join(dir, 'dataset_info.json'), JSON.stringify({ features: {} }));
  if (manifest !== undefined) await writeFile(join(dir, 'sftforge.json'), JSON.stringify(manifest));
}
