/**
 * Statistics of a tokenized dataset folder in the layout of `datasets.Dataset.save_to_disk`:
 * Arrow IPC stream files `data-0000K-of-0000N.arrow` (columns id, input_ids, labels, optional
 * position_ids and seq_lens), `state.json`, `dataset_info.json`, and our `sftforge.json` manifest.
 * Files are read batch by batch and the list columns through their raw offset/value buffers, so
 * memory is one record batch whatever the folder's size.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader, type Vector } from 'apache-arrow';
import { InputError } from '../core/errors.js';
import { Distribution } from './quantiles.js';
import { Reservoir } from './sample.js';
import { SAMPLE_ROWS, sampleRows } from './samples.js';
import type { Histogram, TokenizedStats } from './types.js';

/** A label the loss ignores (PyTorch CrossEntropyLoss ignore_index). */
export const IGNORE_INDEX = -100;

const DATA_FILE = /^data-\d+-of-\d+\.arrow$/;

/** True when `dir` is a folder holding a saved dataset (state.json, or data-*.arrow files). */
export async function isTokenizedFolder(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    const names = await readdir(dir);
    return names.includes('state.json') || names.includes('sftforge.json') || names.some((n) => DATA_FILE.test(n));
  } catch {
    return false;
  }
}

/** The data files in order: state.json's `_data_files`, else the manifest's shards, else data-*.arrow sorted. */
export async function dataFiles(dir: string): Promise<string[]> {
  const state = await readJson(join(dir, 'state.json'));
  const listed = (state as { _data_files?: { filename?: unknown }[] } | undefined)?._data_files;
  if (Array.isArray(listed) && listed.length > 0) {
    return listed.map((f, i) => {
      if (typeof f?.filename !== 'string') throw new InputError(join(dir, 'state.json'), `_data_files[${i}] has no filename`, 'rewrite the folder with Dataset.save_to_disk or `sftforge tokenize`');
      return f.filename;
    });
  }
  const manifest = (await readJson(join(dir, 'sftforge.json'))) as { shards?: { file?: unknown }[]; format?: unknown } | undefined;
  if (manifest?.format === 'parquet-openchat') {
    throw new InputError(
      dir,
      "holds OpenChat's Parquet files (tokenize --output-format parquet-openchat); stats measures Arrow datasets",
      'run stats on the conversations (the JSONL you tokenized), or tokenize them with --output-format hf into another folder',
    );
  }
  if (Array.isArray(manifest?.shards) && manifest.shards.length > 0 && manifest.shards.every((x) => typeof x?.file === 'string')) {
    return manifest.shards.map((x) => x.file as string);
  }
  const names = (await readdir(dir)).filter((n) => DATA_FILE.test(n)).sort();
  if (names.length === 0)
    throw new InputError(
      dir,
      'no data-*.arrow files, and neither state.json nor sftforge.json lists any',
      'point `stats` at a folder written by `sftforge tokenize` (write_hf) or Dataset.save_to_disk, or at the JSONL you tokenized',
    );
  return names;
}

interface RowFigures {
  tokens: number;
  trained: number;
  sequences: number | null;
}

export interface TokenizedOptions {
  sample?: number;
  seed?: number;
  /** Rows decoded for the report (default 3; 0: none). Picked with `seed` (default 0). */
  sampleRows?: number;
}

export async function tokenizedStats(dir: string, opts: TokenizedOptions = {}): Promise<TokenizedStats> {
  const files = await dataFiles(dir);
  const reservoir = opts.sample !== undefined ? new Reservoir<RowFigures>(opts.sample, opts.seed ?? 0) : undefined;
  const acc = new RowAccumulator();
  let rows = 0;
  for (const name of files) {
    for await (const row of readRows(join(dir, name))) {
      rows++;
      if (reservoir) reservoir.offer(row);
      else acc.add(row);
    }
  }
  if (reservoir) for (const row of reservoir.take()) acc.add(row);
  const manifest = await manifestCounters(dir);
  const counters = manifest ?? {};
  const hasManifest = manifest !== undefined;
  const picked = await sampleRows(dir, rows, opts.sampleRows ?? SAMPLE_ROWS, opts.seed ?? 0);
  const { share_trained_hist, ...figures } = acc.result();
  return {
    path: dir,
    files,
    rows,
    ...figures,
    // `sftforge tokenize` counts conversations_split (one conversation became several rows) and rows_truncated.
    // With a manifest, a counter it does not hold is 0 (nothing was split or truncated); without one, unknown.
    rows_split: pick(counters, ['conversations_split', 'rows_split'], hasManifest),
    rows_truncated: pick(counters, ['rows_truncated'], hasManifest),
    manifest_counters: counters,
    // New fields last: the JSON keeps its earlier key order.
    share_trained_hist,
    samples: picked.samples,
    ...(picked.note !== undefined ? { samples_note: picked.note } : {}),
  };
}

/** Tenths of trained share: bin i holds rows with share in [i/10, (i+1)/10), the last also 1. */
const SHARE_BINS = 10;

class RowAccumulator {
  private readonly tokens = new Distribution();
  private readonly trained = new Distribution();
  private readonly share = new Distribution();
  private readonly seqs = new Distribution();
  private readonly shareBins = new Array<number>(SHARE_BINS).fill(0);
  private measured = 0;
  private tokensTotal = 0;
  private trainedTotal = 0;

  add(r: RowFigures): void {
    this.measured++;
    this.tokens.add(r.tokens);
    this.trained.add(r.trained);
    this.share.add(r.tokens > 0 ? r.trained / r.tokens : 0);
    // Integer arithmetic: a share of exactly 3/10 lands in bin 3, not 2.
    this.shareBins[r.tokens > 0 ? Math.min(SHARE_BINS - 1, Math.floor((r.trained * SHARE_BINS) / r.tokens)) : 0]!++;
    if (r.sequences !== null) this.seqs.add(r.sequences);
    this.tokensTotal += r.tokens;
    this.trainedTotal += r.trained;
  }

  result() {
    return {
      measured_rows: this.measured,
      tokens_per_row: { ...this.tokens.summary(), hist: this.tokens.histogram() },
      trained_tokens_per_row: this.trained.summary(),
      share_trained_per_row: this.share.summary(),
      share_trained_hist: { edges: Array.from({ length: SHARE_BINS + 1 }, (_, i) => i / SHARE_BINS), counts: [...this.shareBins], integer: false, overflow: false } satisfies Histogram,
      ...(this.seqs.count > 0 ? { sequences_per_row: this.seqs.summary() } : {}),
      tokens_total: this.tokensTotal,
      trained_tokens_total: this.trainedTotal,
      share_trained: this.tokensTotal > 0 ? this.trainedTotal / this.tokensTotal : 0,
    };
  }
}

/** Per-row token figures of one Arrow stream file; a damaged file is named in the error. */
async function* readRows(file: string): AsyncGenerator<RowFigures> {
  try {
    yield* readRowsUnchecked(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      file,
      `is not a readable Arrow IPC stream: ${(e as Error).message}`,
      'tokenized folders hold the Arrow stream files of Dataset.save_to_disk; rewrite the folder with `sftforge tokenize`',
    );
  }
}

async function* readRowsUnchecked(file: string): AsyncGenerator<RowFigures> {
  const reader = await RecordBatchReader.from(createReadStream(file));
  for await (const batch of reader) {
    const ids = batch.getChild('input_ids');
    if (!ids) throw new InputError(file, 'has no `input_ids` column', 'is this a tokenized dataset? stats reads input_ids and labels');
    const labels = batch.getChild('labels');
    const seqLens = batch.getChild('seq_lengths') ?? batch.getChild('seq_lens'); // seq_lens: outputs before TRL's name
    const idRows = listRows(ids);
    const labelRows = labels ? listRows(labels) : undefined;
    const seqRows = seqLens ? listRows(seqLens) : undefined;
    for (let i = 0; i < batch.numRows; i++) {
      const [s, e] = idRows.bounds(i);
      let trained = e - s; // no labels column: every token is trained (the causal-LM default)
      if (labelRows) {
        const [ls, le] = labelRows.bounds(i);
        trained = 0;
        const v = labelRows.values;
        for (let k = ls; k < le; k++) if (Number(v[k]) !== IGNORE_INDEX) trained++;
      }
      const sequences = seqRows ? seqRows.bounds(i)[1] - seqRows.bounds(i)[0] : null;
      yield { tokens: e - s, trained, sequences };
    }
  }
}

interface ListAccess {
  values: ArrayLike<number | bigint>;
  bounds(row: number): [number, number];
}

/** Direct access to a list<int> column's buffers (Vector.get would build a Vector per row). */
function listRows(vec: Vector): ListAccess {
  const chunks = vec.data;
  if (chunks.length !== 1) throw new Error(`expected one data chunk per batch column, got ${chunks.length}`);
  const d = chunks[0]!;
  const offsets = d.valueOffsets as ArrayLike<number | bigint> | undefined;
  const child = d.children[0];
  if (!offsets || !child) throw new Error(`column of type ${String(d.type)} is not a list`);
  const base = d.offset;
  const childBase = child.offset;
  return {
    values: child.values as ArrayLike<number | bigint>,
    bounds: (row) => [Number(offsets[base + row]!) + childBase, Number(offsets[base + row + 1]!) + childBase],
  };
}

/** The counters of the folder's sftforge.json report(s); undefined when the folder has no manifest. */
async function manifestCounters(dir: string): Promise<Record<string, number> | undefined> {
  const m = (await readJson(join(dir, 'sftforge.json'))) as { report?: unknown; counters?: unknown } | undefined;
  if (m === undefined) return undefined;
  const reports = Array.isArray(m?.report) ? m.report : m?.report !== undefined ? [m.report] : [m];
  const out: Record<string, number> = {};
  for (const r of reports) {
    const c = (r as { counters?: unknown } | undefined)?.counters;
    if (typeof c !== 'object' || c === null) continue;
    for (const [k, v] of Object.entries(c)) if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function pick(c: Record<string, number>, names: string[], known: boolean): number | null {
  for (const n of names) if (c[n] !== undefined) return c[n]!;
  return known ? 0 : null;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `is not valid JSON: ${(e as Error).message}`, 'rewrite the dataset folder, or remove the damaged file');
  }
}
