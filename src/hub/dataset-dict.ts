/**
 * A `DatasetDict.save_to_disk` folder (datasets' layout: `dataset_dict.json` = {"splits": [...]},
 * one save_to_disk folder per split with `state.json` listing its Arrow files) as a push: every
 * split's shards go to `data/{split}-{i}-of-{n}.arrow`, and the card gets one `data_files` entry
 * and one `dataset_info.splits` entry per split, so `load_dataset(repo)` gives the same splits.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { readArrowHead, type ArrowHead } from './arrow-head.js';
import { NotADatasetError } from './errors.js';
import { digestFile } from './hash.js';
import type { LocalDataset, LocalFile } from './folder.js';
import { ManifestSchema, type Manifest } from './manifest.js';

export const DATASET_DICT = 'dataset_dict.json';

export interface SplitInfo {
  name: string;
  /** Glob of the split's files in the repository. */
  path: string;
  rows: number;
  numBytes: number;
}

async function json(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new NotADatasetError(path, `cannot be read as JSON (${(e as Error).message})`);
  }
}

async function countRows(path: string): Promise<number> {
  const stream = createReadStream(path);
  try {
    const reader = await RecordBatchReader.from(stream);
    let n = 0;
    for await (const b of reader) n += b.numRows;
    return n;
  } catch (e) {
    throw new NotADatasetError(path, `is not an Arrow IPC stream shard (${(e as Error).message})`);
  } finally {
    stream.destroy();
  }
}

const pad5 = (i: number) => String(i).padStart(5, '0');

export async function inspectDatasetDict(dir: string, hash: boolean): Promise<LocalDataset | undefined> {
  const dictPath = join(dir, DATASET_DICT);
  const splits = ((await json(dictPath)) as { splits?: unknown }).splits;
  if (!Array.isArray(splits) || splits.length === 0 || !splits.every((s) => typeof s === 'string' && /^\w+$/.test(s))) {
    throw new NotADatasetError(dictPath, 'has no "splits" list of split names (letters, digits, _)');
  }
  const data: LocalFile[] = [];
  const meta: LocalFile[] = [];
  const infos: SplitInfo[] = [];
  let head: ArrowHead | undefined;
  let manifest: Manifest | undefined;
  for (const split of splits as string[]) {
    const sdir = join(dir, split);
    const state = (await json(join(sdir, 'state.json'))) as { _data_files?: { filename?: unknown }[] };
    const files = (state._data_files ?? []).map((f) => String(f.filename ?? ''));
    if (!files.length) throw new NotADatasetError(join(sdir, 'state.json'), 'lists no _data_files');
    let rows = 0;
    let bytes = 0;
    for (const [i, f] of files.entries()) {
      const rel = normalize(f);
      if (isAbsolute(rel) || rel.startsWith('..')) throw new NotADatasetError(join(sdir, 'state.json'), `_data_files[${i}] "${f}" points outside the folder`);
      const local = join(sdir, rel);
      const size = (await stat(local).catch(() => undefined))?.size;
      if (size === undefined) throw new NotADatasetError(local, 'listed in state.json but missing');
      head ??= await readArrowHead(local).catch((e) => {
        throw new NotADatasetError(local, `is not an Arrow IPC stream shard (${(e as Error).message})`);
      });
      rows += await countRows(local);
      bytes += size;
      if (hash) data.push({ repoPath: `data/${split}-${pad5(i)}-of-${pad5(files.length)}.arrow`, localPath: local, digest: await digestFile(local) });
    }
    infos.push({ name: split, path: `data/${split}-*.arrow`, rows, numBytes: bytes });
    const m = join(sdir, 'sftforge.json');
    if (
      await stat(m).then(
        () => true,
        () => false,
      )
    ) {
      const r = ManifestSchema.safeParse(await json(m));
      if (r.success) {
        manifest ??= r.data;
        if (hash) meta.push({ repoPath: `${split}/sftforge.json`, localPath: m, digest: await digestFile(m) });
      }
    }
  }
  if (!hash) return undefined;
  meta.push({ repoPath: DATASET_DICT, localPath: dictPath, digest: await digestFile(dictPath) });
  const rows = infos.reduce((s, x) => s + x.rows, 0);
  return { kind: 'tokenized', dataFormat: 'arrow', path: dir, manifest, report: manifest?.report, data, meta, rows, head, warnings: [], splits: infos };
}
