import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataType, RecordBatchReader, Type, tableFromIPC } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { runTokenize, type TokenizeOptions } from '../../src/format/run-tokenize.js';
import { inspectRow, formatInspect } from '../../src/format/inspect.js';
import { IGNORE_INDEX } from '../../src/format/mask.js';
import { loadTokenizer } from '../../src/format/tokenizer/index.js';
import { createRequire } from 'node:module';

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
const EXPECTED_FEATURES = { id: { dtype: 'string', _type: 'Value' }, input_ids: INT_SEQ, labels: INT_SEQ, attention_mask: INT_SEQ, assistant_masks: INT_SEQ };

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
    expect(readdirSync(dir).sort()).toEqual(['data-00000-of-00001.arrow', 'dataset_info.json', 'sftforge.json', 'state.json', 'tokenizer_config.json']);
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
    expect(schema.fields.map((f) => f.name)).toEqual(['id', 'input_ids', 'labels', 'attention_mask', 'assistant_masks']);
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
    const shards = readdirSync(d)
      .filter((f) => f.endsWith('.arrow'))
      .sort();
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
    const untrained = r.spans
      .filter((s) => !s.trained)
      .map((s) => s.text)
      .join('');
    expect(untrained).toContain(conv.conversations[0].value);
    expect(formatInspect(r, false)).toContain(`${replies[0]}]]`);
    expect(formatInspect(r, false)).toMatch(/mask: ok/);
    expect(r.trained_tokens).toBeGreaterThan(0);
  });
});

describe('tokenizer_config.json fragment', () => {
  it("holds OpenChat's own chat_template and the special tokens, and renders what the rows hold", async () => {
    await runTokenize(base('hf-frag'));
    const dir = join(tmp, 'hf-frag');
    const frag = json(join(dir, 'tokenizer_config.json'));
    expect(frag).toMatchObject({ sftforge_template: 'openchat_3.5', bos_token: '<s>', eos_token: '</s>', additional_special_tokens: ['<|end_of_turn|>'] });
    expect(frag.added_tokens_decoder['32000']).toMatchObject({ content: '<|end_of_turn|>', special: true });
    // The Jinja, rendered by @huggingface/jinja as transformers would, gives the text of row 0.
    const { Template } = await import('@huggingface/jinja');
    const conv = JSON.parse(readFileSync(DUMMY, 'utf8'))[0];
    const messages = conv.conversations.map((c: { from: string; value: string }) => ({ role: c.from === 'human' ? 'user' : 'assistant', content: c.value }));
    const text = new Template(frag.chat_template).render({ messages, bos_token: '<s>', add_generation_prompt: false });
    const tok = await loadTokenizer('mistral', { templateSpecials: ['<s>', '<|end_of_turn|>'] });
    const { Tokenizer } = createRequire(import.meta.url)('tokenizers');
    const rs = Tokenizer.fromString(JSON.stringify(tok.spec.full));
    const [enc] = await rs.encodeBatch([text], { addSpecialTokens: false });
    expect(enc.getIds()).toEqual((await readAll(dir))[0]!.input_ids);
  });
});

describe('trainer columns (TRL 1.10.0.dev0 @f2cd577, axolotl pre-tokenized)', () => {
  /**
   * TRL's DataCollatorForLanguageModeling(padding_free=True) builds position_ids from `seq_lengths`
   * (get_position_ids_from_packed_seq_lengths: ones, 0 at each sequence start, cumsum) and then sets
   * labels[position_ids == 0] = -100. Re-done here on our packed rows: position_ids must equal ours
   * and that masking must change no label (our first label per sequence is already -100), so what
   * TRL trains is exactly our labels. Unpacked rows: labels used as they are; attention_mask all ones;
   * assistant_masks (transformers' name) 1 exactly where labels are kept.
   */
  it('packed rows: TRL position_ids from seq_lengths equal ours, and its first-token masking changes nothing', async () => {
    await runTokenize(base('trl-packed', { pack: true, maxLen: 1024 }));
    const rows = await readAll(join(tmp, 'trl-packed'));
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      const lens = r.seq_lengths as number[];
      expect(r).not.toHaveProperty('seq_lens');
      const pos: number[] = new Array(r.input_ids.length).fill(1);
      pos[0] = 0;
      let at = 0;
      for (const l of lens.slice(0, -1)) {
        at += l;
        pos[at] = -(l - 1);
      }
      for (let i = 1; i < pos.length; i++) pos[i]! += pos[i - 1]!;
      expect(r.position_ids).toEqual(pos);
      const trl = r.labels.map((l, i) => (pos[i] === 0 ? IGNORE_INDEX : l));
      expect(trl).toEqual(r.labels);
      expect(r.attention_mask).toEqual(r.input_ids.map(() => 1));
      expect(r.assistant_masks).toEqual(r.labels.map((l) => (l === IGNORE_INDEX ? 0 : 1)));
    }
  });

  it('unpacked rows: attention_mask all ones, assistant_masks where labels are kept', async () => {
    const rows = await readAll(join(tmp, 'hf'));
    for (const r of rows.slice(0, 50)) {
      expect(r.attention_mask).toEqual(r.input_ids.map(() => 1));
      expect(r.assistant_masks).toEqual(r.labels.map((l) => (l === IGNORE_INDEX ? 0 : 1)));
      expect(r.assistant_masks).toContain(1);
    }
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
      const lens = r.seq_lengths as number[];
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
  it("writes OpenChat's epoch files (openchat.{0..4}.parquet), its conversation JSONL and the MODEL_CONFIG_MAP key", async () => {
    await runTokenize(base('ochat', { format: 'parquet-openchat' }));
    const dir = join(tmp, 'ochat');
    expect(readdirSync(dir).sort()).toEqual([
      'openchat.0.jsonl',
      'openchat.0.parquet',
      'openchat.1.parquet',
      'openchat.2.parquet',
      'openchat.3.parquet',
      'openchat.4.parquet',
      'sftforge.json',
      'tokenizer_config.json',
    ]);
    const file = join(dir, 'openchat.0.parquet');
    const buf = readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const meta = parquetMetadata(ab);
    expect(meta.schema.map((s) => s.name)).toEqual([
      'schema',
      'total_length',
      'num_seqs',
      'seqlens',
      'list',
      'element',
      'nz_input_ids',
      'list',
      'element',
      'nz_position_ids',
      'list',
      'element',
      'nz_shifted_label_ids',
      'list',
      'element',
      'nz_shifted_loss_weights',
      'list',
      'element',
    ]);
    // OpenChat 3.5 is a Mistral fine-tune: train.py needs the key, not the serving alias openchat_3.5.
    expect(meta.key_value_metadata).toContainEqual({ key: 'metadata_json', value: JSON.stringify({ model_type: 'openchat_v3.2_mistral' }) });
    const rows = (await parquetReadObjects({ file: ab })) as Record<string, number[] & number>[];
    const lines = readFileSync(join(dir, 'openchat.0.jsonl'), 'utf8').trim().split('\n');
    expect(rows.length).toBe(lines.length);
    const m = json(join(dir, 'sftforge.json'));
    expect(m.openchat).toEqual({ model_type: 'openchat_v3.2_mistral', epochs: 5, jsonl: 'openchat.0.jsonl' });
    expect(m.shards.map((s: { file: string }) => s.file)).toEqual([0, 1, 2, 3, 4].map((e) => `openchat.${e}.parquet`));
    expect(m.shards[0]).toMatchObject({ rows: rows.length, sha256: sha(file) });
  });
});

describe('rejects', () => {
  it('quarantines malformed, untrainable and template-rejected records beside the folder, in input order', async () => {
    const input = join(tmp, 'mixed.jsonl');
    writeFileSync(
      input,
      [
        JSON.stringify({
          id: 'ok',
          conversations: [
            { from: 'human', value: 'hi </s> <|end_of_turn|>' },
            { from: 'gpt', value: 'hello <s>' },
          ],
        }),
        '{"id": "broken", "conversations": [',
        JSON.stringify({ id: 'user-only', conversations: [{ from: 'human', value: 'anyone?' }] }),
        JSON.stringify({
          id: 'ok2',
          conversations: [
            { from: 'human', value: 'a' },
            { from: 'gpt', value: 'b' },
          ],
        }),
      ].join('\n') + '\n',
    );
    const res = await runTokenize({ ...base('mixed'), inputs: [input] });
    expect(res.rejectsPath).toBe(`${join(tmp, 'mixed')}.rejects.jsonl`);
    const rej = readFileSync(res.rejectsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rej.map((r) => r.reason)).toEqual(['malformed', 'no_trained_tokens']);
    expect(rej[1]).toMatchObject({ id: 'user-only', source: { line: 3 } });
    expect(res.report.counters.content_special_strings).toBe(3);
    expect((await readAll(join(tmp, 'mixed'))).map((r) => r.id)).toEqual(['ok', 'ok2']);
  });
});
