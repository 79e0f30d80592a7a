import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataType, RecordBatchReader, Type, tableFromIPC } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { runTokenize, PARQUET_FILE, type TokenizeOptions } from '../../src/format/run-tokenize.js';
import { inspectRow, formatInspect } from '../../src/format/inspect.js';
import { IGNORE_INDEX } from '../../src/format/mask.js';

const DUMMY = resolve(process.cwd(), '../shared/data/public/FastChat_dummy_conversation.json');
const tmp = mkdtempSync(join(tmpdir(), 'sftforge-out-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = (out: string, o: Partial<TokenizeOptions> = {}): TokenizeOptions => ({
  inputs: [DUMMY],
  output: join(tmp, out),
  tokenizer: 'mistral', // OpenChat 3.5's own (a Mistral-7B fine-tune); the pack fill figures below were measured with it
  template: 'openchat_3.5',
  maxLen: 2048,
  quiet: true,
  ...o,
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

/** The features JSON `datasets` reads (Features.from_dict): Value / Sequence with length -1. */
const INT_SEQ = { feature: { dtype: 'int32', _type: 'Value' }, length: -1, _type: 'Sequence' };
const EXPECTED_FEATURES = { id: { dtype: 'string', _type: 'Value' }, input_ids: INT_SEQ, labels: INT_SEQ };

async function readAll(dir: string) {
  const state = json(join(dir, 'state.json'));
  const rows: { id: string; input_ids: number[]; labels: number[]; [k: string]: unknown }[] = [];
  for (const f of state._data_files) {
    const t = tableFromIPC(readFileSync(join(dir, f.filename)));
    for (const r of t.toArray()) {
      const o = r.toJSON() as Record<string, unknown>;
      const plain: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) plain[k] = v && typeof v === 'object' && 'toArray' in (v as object) ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v;
      rows.push(plain as (typeof rows)[0]);
    }
  }
  return rows;
}

describe('HF save_to_disk layout', () => {
  let dir: string;
  beforeAll(async () => {
    dir = (await runTokenize(base('hf'))).manifest && join(tmp, 'hf');
  });

  it('writes the files datasets.load_from_disk reads', () => {
    expect(readdirSync(dir).sort()).toEqual(['data-00000-of-00001.arrow', 'dataset_info.json', 'sftforge.json', 'state.json']);
    expect(json(join(dir, 'dataset_info.json'))).toEqual({ citation: '', description: '', features: EXPECTED_FEATURES, homepage: '', license: '' });
    const state = json(join(dir, 'state.json'));
    expect(Object.keys(state)).toEqual(['_data_files', '_fingerprint', '_format_columns', '_format_kwargs', '_format_type', '_output_all_columns', '_split']);
    expect(state).toMatchObject({ _data_files: [{ filename: 'data-00000-of-00001.arrow' }], _format_columns: null, _format_kwargs: {}, _format_type: null, _output_all_columns: false, _split: null });
    expect(state._fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('shards are Arrow IPC streams with the schema datasets builds from the features', async () => {
    const file = join(dir, 'data-00000-of-00001.arrow');
    const head = readFileSync(file).subarray(0, 8);
    expect(head.subarray(0, 6).toString('latin1')).not.toBe('ARROW1'); // the file format starts with this magic
    expect(head.readUInt32LE(0)).toBe(0xffffffff); // stream: continuation marker, then the schema message
    const reader = RecordBatchReader.from(readFileSync(file)).open();
    expect(reader.isStream()).toBe(true);
    const schema = reader.schema;
    expect(schema.fields.map((f) => f.name)).toEqual(['id', 'input_ids', 'labels']);
    expect(schema.fields[0]!.type.typeId).toBe(Type.Utf8);
    for (const f of schema.fields.slice(1)) {
      expect(DataType.isList(f.type)).toBe(true);
      const child = f.type.children[0]!;
      expect([child.name, child.type.typeId, child.nullable]).toEqual(['item', Type.Int, true]);
      expect((child.type as { bitWidth: number }).bitWidth).toBe(32);
      expect(f.nullable).toBe(true);
    }
    expect(JSON.parse(schema.metadata.get('huggingface')!)).toEqual({ info: { features: EXPECTED_FEATURES } });
  });

  it('rows: 500 conversations, labels are -100 or the token', async () => {
    const rows = await readAll(dir);
    expect(rows.length).toBe(500);
    for (const r of rows) {
      expect(r.input_ids.length).toBe(r.labels.length);
      r.labels.forEach((l, i) => expect(l === IGNORE_INDEX || l === r.input_ids[i]).toBe(true));
      expect(r.labels.some((l) => l !== IGNORE_INDEX)).toBe(true);
    }
  });

  it('the manifest has the shape the Hub push reads, with true sizes and hashes', () => {
    const m = json(join(dir, 'sftforge.json'));
    for (const k of ['sftforge_version', 'kind', 'template', 'tokenizer', 'max_len', 'chunk', 'pack', 'rows', 'shards', 'features', 'report', 'added_tokens']) expect(m).toHaveProperty(k);
    expect(m.kind).toBe('tokenized');
    expect(m.rows).toBe(500);
    expect(m.features).toEqual(EXPECTED_FEATURES);
    expect(m.added_tokens).toEqual([{ content: '<|end_of_turn|>', id: 32000, appended: true }]);
    const s = m.shards[0];
    expect(s.bytes).toBe(statSync(join(dir, s.file)).size);
    expect(s.sha256).toBe(sha(join(dir, s.file)));
    expect(m.report).not.toHaveProperty('seconds');
    expect(m.report.records_in).toBe(m.report.records_out + Object.values(m.report.rejects as Record<string, number>).reduce((a, b) => a + b, 0));
  });

  it('is byte-identical when run again', async () => {
    await runTokenize(base('hf2'));
    for (const f of readdirSync(dir)) expect(sha(join(tmp, 'hf2', f)), f).toBe(sha(join(dir, f)));
  });

  it('rolls over to several shards named -of-N, same rows in the same order', async () => {
    await runTokenize(base('small-shards', { shardSize: 40_000 }));
    const d = join(tmp, 'small-shards');
    const shards = readdirSync(d).filter((f) => f.endsWith('.arrow')).sort();
    expect(shards.length).toBeGreaterThan(2);
    shards.forEach((f, i) => expect(f).toBe(`data-${String(i).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.arrow`));
    expect(json(join(d, 'state.json'))._data_files.map((x: { filename: string }) => x.filename)).toEqual(shards);
    expect(await readAll(d)).toEqual(await readAll(dir));
  });

  it('inspect renders a row back with trained text marked and a clean verdict', async () => {
    const r = await inspectRow(dir, 0);
    expect(r.verdict).toMatchObject({ ok: true, problems: [] });
    const conv = JSON.parse(readFileSync(DUMMY, 'utf8'))[0];
    const trained = r.spans.filter((s) => s.trained).map((s) => s.text.trimStart());
    const replies = conv.conversations.filter((c: { from: string }) => c.from === 'gpt').map((c: { value: string }) => `${c.value}<|end_of_turn|>`);
    expect(trained).toEqual(replies);
    const untrained = r.spans.filter((s) => !s.trained).map((s) => s.text).join('');
    expect(untrained).toContain(conv.conversations[0].value);
    expect(formatInspect(r, false)).toContain(`${replies[0]}]]`);
    expect(formatInspect(r, false)).toMatch(/mask: ok/);
    expect(r.trained_tokens).toBeGreaterThan(0);
  });
});

describe('--pack', () => {
  it('packs first-fit-decreasing into rows of at most max-len, position_ids restarting per sequence', async () => {
    const res = await runTokenize(base('packed', { pack: true, maxLen: 512, lossWeights: true }));
    const rows = await readAll(join(tmp, 'packed'));
    const flat = await readAll(join(tmp, 'hf'));
    const byId = new Map(flat.map((r) => [r.id, r]));
    const seen: string[] = [];
    let tokens = 0;
    for (const r of rows) {
      const lens = r.seq_lens as number[];
      const ids = r.seq_ids as string[];
      const pos = r.position_ids as number[];
      expect(r.input_ids.length).toBeLessThanOrEqual(512);
      expect(lens.reduce((a, b) => a + b, 0)).toBe(r.input_ids.length);
      let at = 0;
      lens.forEach((len, k) => {
        const orig = byId.get(ids[k]!)!;
        expect(r.input_ids.slice(at, at + len)).toEqual(orig.input_ids);
        expect(r.labels[at]).toBe(IGNORE_INDEX);
        expect(r.labels.slice(at + 1, at + len)).toEqual(orig.labels.slice(1));
        for (let p = 0; p < len; p++) expect(pos[at + p]).toBe(p);
        at += len;
      });
      seen.push(...ids);
      tokens += r.input_ids.length;
      expect((r.loss_weights as number[]).length).toBe(r.input_ids.length);
    }
    expect(seen.sort()).toEqual([...byId.keys()].sort());
    const fill = tokens / (rows.length * 512);
    expect(res.report.counters.pack_fill_rate).toBeCloseTo(fill, 3);
    expect(fill).toBeGreaterThan(0.98);
  });
});

describe('fill rate on the shared ShareGPT sample', () => {
  it('packs at 2048 with a fill rate of at least 98%', async () => {
    const res = await runTokenize({ ...base('sharegpt-packed', { pack: true }), inputs: [resolve(process.cwd(), '../shared/data/sharegpt_html_sample.jsonl')] });
    expect(res.report.counters.pack_fill_rate).toBeGreaterThanOrEqual(0.98);
    expect(res.report.rejects.mask_mismatch ?? 0).toBe(0);
    // The planted `</s> <|im_end|> <|end_of_turn|> <s>` typed by users stay plain text.
    expect(res.report.counters.content_special_strings).toBeGreaterThan(0);
  }, 120_000);
});

describe('pure-JS backend', () => {
  it('writes byte-identical shards to the Rust backend', async () => {
    await runTokenize(base('js', { backend: 'js' }));
    for (const f of ['data-00000-of-00001.arrow', 'state.json', 'dataset_info.json', 'sftforge.json']) expect(sha(join(tmp, 'js', f)), f).toBe(sha(join(tmp, 'hf', f)));
  });
});

describe('--format parquet-openchat', () => {
  it('writes OpenChat trainer columns, shifted labels and weights, readable back', async () => {
    await runTokenize(base('ochat', { format: 'parquet-openchat' }));
    const file = join(tmp, 'ochat', PARQUET_FILE);
    const buf = readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const meta = parquetMetadata(ab);
    expect(meta.schema.map((s) => s.name)).toEqual(['schema', 'total_length', 'num_seqs', 'seqlens', 'list', 'element', 'nz_input_ids', 'list', 'element', 'nz_position_ids', 'list', 'element', 'nz_shifted_label_ids', 'list', 'element', 'nz_shifted_loss_weights', 'list', 'element']);
    expect(meta.key_value_metadata).toContainEqual({ key: 'metadata_json', value: JSON.stringify({ model_type: 'openchat_3.5' }) });
    const rows = (await parquetReadObjects({ file: ab })) as Record<string, number[] & number>[];
    const flat = await readAll(join(tmp, 'hf'));
    expect(rows.length).toBe(flat.length);
    rows.forEach((r, k) => {
      const f = flat[k]!;
      let end = f.input_ids.length;
      while (end > 0 && f.labels[end - 1] === IGNORE_INDEX) end--;
      expect(r.total_length).toBe(end);
      expect(r.seqlens).toEqual([end]);
      expect(r.nz_input_ids).toEqual(f.input_ids.slice(0, end));
      expect(r.nz_position_ids).toEqual(Array.from({ length: end }, (_, i) => i));
      const shifted = f.labels.slice(1, end).map((l) => (l === IGNORE_INDEX ? 0 : l)).concat([0]);
      expect(r.nz_shifted_label_ids).toEqual(shifted);
      expect(r.nz_shifted_loss_weights).toEqual(shifted.map((l) => (l === 0 ? 0 : 1)));
      expect(r.num_seqs).toBeCloseTo(shifted.filter((l) => l !== 0).length, 3);
    });
    const m = json(join(tmp, 'ochat', 'sftforge.json'));
    expect(m.shards[0]).toMatchObject({ file: PARQUET_FILE, rows: rows.length, sha256: sha(file) });
  });
});

describe('rejects', () => {
  it('quarantines malformed, untrainable and template-rejected records beside the folder, in input order', async () => {
    const input = join(tmp, 'mixed.jsonl');
    writeFileSync(
      input,
      [
        JSON.stringify({ id: 'ok', conversations: [{ from: 'human', value: 'hi </s> <|end_of_turn|>' }, { from: 'gpt', value: 'hello <s>' }] }),
        '{"id": "broken", "conversations": [',
        JSON.stringify({ id: 'user-only', conversations: [{ from: 'human', value: 'anyone?' }] }),
        JSON.stringify({ id: 'ok2', conversations: [{ from: 'human', value: 'a' }, { from: 'gpt', value: 'b' }] }),
      ].join('\n') + '\n',
    );
    const res = await runTokenize({ ...base('mixed'), inputs: [input] });
    expect(res.rejectsPath).toBe(`${join(tmp, 'mixed')}.rejects.jsonl`);
    const rej = readFileSync(res.rejectsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rej.map((r) => r.reason)).toEqual(['malformed', 'no_trained_tokens']);
    expect(rej[1]).toMatchObject({ id: 'user-only', source: { line: 3 } });
    expect(res.report.counters.content_special_strings).toBe(3);
    expect((await readAll(join(tmp, 'mixed'))).map((r) => r.id)).toEqual(['ok', 'ok2']);
  });
});
