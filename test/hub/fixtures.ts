/**
 * Builds sftforge outputs on disk the way the other stages write them, so the push is tested
 * without depending on them: a tokenize folder in `datasets.Dataset.save_to_disk` layout (Arrow
 * IPC *stream* shards `data-0000i-of-0000N.arrow`, dataset_info.json, state.json) plus the
 * sftforge.json manifest and stats.json; and a cleaned JSONL with its run report.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float32, Int32, List, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';

export interface FixtureRow {
  id: string;
  input_ids: number[];
  labels: number[];
  loss_weights: number[];
}

/** Row r: BOS, a 6-token prompt, then an answer of 4 + r % 5 tokens and EOS; only the answer and EOS are trained. */
export function fixtureRow(r: number): FixtureRow {
  const prompt = [1, ...Array.from({ length: 6 }, (_, i) => 100 + ((r * 7 + i) % 900))];
  const answer = [...Array.from({ length: 4 + (r % 5) }, (_, i) => 1000 + ((r * 13 + i) % 3000)), 2];
  return {
    id: `conv-${r}`,
    input_ids: [...prompt, ...answer],
    labels: [...prompt.map(() => -100), ...answer],
    loss_weights: [...prompt.map(() => 0), ...answer.map(() => 1)],
  };
}

const listOf = (t: Int32 | Float32) => new List(new Field('item', t, true));

export function shardBytes(rows: FixtureRow[]): Uint8Array {
  const table = new Table({
    id: vectorFromArray(
      rows.map((r) => r.id),
      new Utf8(),
    ),
    input_ids: vectorFromArray(
      rows.map((r) => r.input_ids),
      listOf(new Int32()),
    ),
    labels: vectorFromArray(
      rows.map((r) => r.labels),
      listOf(new Int32()),
    ),
    loss_weights: vectorFromArray(
      rows.map((r) => r.loss_weights),
      listOf(new Float32()),
    ),
  });
  return tableToIPC(table, 'stream');
}

export interface TokenizedFixture {
  dir: string;
  rows: FixtureRow[];
  shards: { file: string; bytes: Buffer }[];
  manifest: Record<string, unknown>;
}

export interface TokenizedFixtureOptions {
  rows?: number;
  shards?: number;
  stats?: Record<string, unknown> | false;
  manifest?: Record<string, unknown>;
  dir?: string;
}

const hfList = (dtype: string) => ({ feature: { dtype, _type: 'Value' }, _type: 'List' });

export async function makeTokenizedFolder(o: TokenizedFixtureOptions = {}): Promise<TokenizedFixture> {
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'sftforge-hub-fixture-')));
  await mkdir(dir, { recursive: true });
  const nRows = o.rows ?? 30;
  const nShards = o.shards ?? 2;
  const rows = Array.from({ length: nRows }, (_, r) => fixtureRow(r));
  const per = Math.ceil(nRows / nShards);
  const shards: TokenizedFixture['shards'] = [];
  for (let s = 0; s < nShards; s++) {
    const file = `data-${String(s).padStart(5, '0')}-of-${String(nShards).padStart(5, '0')}.arrow`;
    const bytes = Buffer.from(shardBytes(rows.slice(s * per, (s + 1) * per)));
    await writeFile(join(dir, file), bytes);
    shards.push({ file, bytes });
  }
  const features = { id: { dtype: 'string', _type: 'Value' }, input_ids: hfList('int32'), labels: hfList('int32'), loss_weights: hfList('float32') };
  await writeFile(join(dir, 'dataset_info.json'), JSON.stringify({ citation: '', description: '', features, homepage: '', license: '' }));
  await writeFile(
    join(dir, 'state.json'),
    JSON.stringify({
      _data_files: shards.map((s) => ({ filename: s.file })),
      _fingerprint: 'f00d',
      _format_columns: null,
      _format_kwargs: {},
      _format_type: null,
      _output_all_columns: false,
      _split: null,
    }),
  );
  const manifest = {
    // The shape src/format/writers/manifest.ts (TokenizedManifest) writes, plus `pipeline`.
    sftforge_version: '0.1.0',
    kind: 'tokenized',
    format: 'hf',
    pipeline: 'pipelines/sharegpt.yaml',
    template: 'chatml',
    // A Hub repo id: the push never downloads it, so the card shows token ids.
    tokenizer: 'example-org/chat-tokenizer',
    tokenizer_sha256: 'ab'.repeat(32),
    max_len: 2048,
    chunk: 'split',
    pack: false,
    tokenize: 'pieces',
    loss_weights: true,
    rows: nRows,
    shards: shards.map((s, i) => ({ file: s.file, rows: rows.slice(i * per, (i + 1) * per).length, bytes: s.bytes.length, sha256: createHash('sha256').update(s.bytes).digest('hex') })),
    features,
    report: { stage: 'tokenize', records_in: nRows + 7, records_out: nRows, rejects: { duplicate: 4, too_long: 1, empty_turn: 2 }, repairs: { html_to_markdown: 12 }, counters: {}, bytes_in: 4096 },
    added_tokens: [
      { content: '<|im_start|>', id: 151644, appended: false },
      { content: '<|im_end|>', id: 151645, appended: false },
    ],
    vocab_size: 151669,
    ...o.manifest,
  };
  await writeFile(join(dir, 'sftforge.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (o.stats !== false) {
    const stats = o.stats ?? { records: nRows, mtld: 61.234567, turns_per_dialogue: { mean: 2.5, p50: 2 }, tokens: { mean: 14.2, max: 18 } };
    await writeFile(join(dir, 'stats.json'), JSON.stringify(stats, null, 2) + '\n');
  }
  return { dir, rows, shards, manifest };
}

export interface JsonlFixture {
  dir: string;
  file: string;
  bytes: Buffer;
  report: Record<string, unknown>;
}

export async function makeJsonlOutput(records = 12, name = 'clean'): Promise<JsonlFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'sftforge-hub-jsonl-'));
  const lines = Array.from({ length: records }, (_, i) =>
    JSON.stringify({
      id: `c${i}`,
      conversations: [
        { from: 'human', value: `question ${i}` },
        { from: 'gpt', value: `answer ${i}` },
      ],
    }),
  );
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const file = join(dir, `${name}.jsonl`);
  await writeFile(file, bytes);
  const report = {
    stage: 'clean',
    records_in: records + 3,
    records_out: records,
    rejects: { malformed: 1, duplicate: 2 },
    repairs: {},
    counters: {},
    bytes_in: 1234,
    seconds: 0.1,
    mb_per_s: 0.01,
    records_per_s: 150,
  };
  await writeFile(join(dir, `${name}.report.json`), JSON.stringify(report));
  return { dir, file, bytes, report };
}
