/**
 * parquet-openchat against OpenChat's own code (imoneoi/openchat @47a3596), re-done here step by
 * step because torch and ray (which ochat imports) are not installable offline:
 *
 * 1. ochat/config/conversation_template.py `tokenize_conversations(inference=False)`: tokens =
 *    `tokenizer("").input_ids` (BOS), then if `conv.system`: system tokens (special tokens as plain
 *    text) + eot tokens, all weight 0; then per message: `role_prefix(role, conv.condition or "")`
 *    tokenized WITH special tokens, weight 0; the content tokenized alone with special tokens as
 *    plain text and the end-of-turn tokens, both with `msg.weight` (divided by len(text)+len(eot)
 *    under per-sequence loss). `_v3_2_role_prefix` = f"{condition} {role.title()}:".strip().
 * 2. ochat/data/generate_dataset.py `convert_conversation_batch`: `tokens[:model_max_context]`,
 *    then `add_single_conv`: drop trailing zero weights; labels = token if weight != 0 else 0;
 *    nz_shifted_label_ids = labels[1:] + [0], nz_shifted_loss_weights = weights[1:] + [0.0],
 *    num_seqs = sum(shifted weights) (Python floats, stored float32), seqlens = [len],
 *    nz_position_ids = range(len), total_length = len.
 * 3. `generate_epoch(seed + epoch)`: `random.seed(s); random.shuffle(lines)` on the JSONL lines,
 *    split into contiguous chunks per CPU and concatenated back in order: row order = shuffled lines.
 * 4. train.py: `MODEL_CONFIG_MAP[metadata["model_type"]]` (the v3.2 Mistral model type is
 *    `openchat_v3.2_mistral`, model_max_context 8192), file `{data_prefix}.{epoch}.parquet`.
 *
 * The reference below reads our PREFIX.0.jsonl back exactly as OpenChat's loader does (the
 * Conversation model) and applies 1-3 with the Rust `tokenizers` library on the same vocabulary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { Conversation } from '../../src/core/types.js';
import { OpenChatWriter, type OpenChatWriterOptions } from '../../src/format/writers/parquet-openchat.js';
import { loadTokenizer } from '../../src/format/tokenizer/index.js';
import { pyShuffledOrder } from '../../src/format/openchat/py-random.js';
import { crlftClass, modelClass } from '../../src/format/openchat/crlft.js';
import { readConversations } from '../../src/io/read.js';
import { ROOT, collect, sharedData, tempDir } from '../helpers/paths.js';

const tmp = tempDir('sftforge-openchat-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface RsTok {
  encodeBatch(t: string[], o: { addSpecialTokens: boolean }): Promise<{ getIds(): number[] }[]>;
}
interface OcConv {
  items: { role: string; content: string; weight: number }[];
  system: string;
  condition: string;
}
type Row = { total_length: number; num_seqs: number; seqlens: number[]; nz_input_ids: number[]; nz_position_ids: number[]; nz_shifted_label_ids: number[]; nz_shifted_loss_weights: number[] };

/** Steps 1 and 2 above for one OpenChat Conversation. */
async function reference(tok: { plain: RsTok; special: RsTok }, c: OcConv, maxContext: number, perSequenceLoss = false): Promise<Row | null> {
  const EOT = 32000;
  const tokens = [1];
  const weights = [0];
  if (c.system) {
    const [sys] = await tok.plain.encodeBatch([c.system], { addSpecialTokens: false });
    tokens.push(...sys!.getIds(), EOT);
    weights.push(...sys!.getIds().map(() => 0), 0);
  }
  for (const m of c.items) {
    const prefix = `${c.condition} ${m.role[0]!.toUpperCase()}${m.role.slice(1)}:`.trim();
    const [p] = await tok.special.encodeBatch([prefix], { addSpecialTokens: false });
    const [t] = await tok.plain.encodeBatch([m.content], { addSpecialTokens: false });
    const w = perSequenceLoss ? m.weight / (t!.getIds().length + 1) : m.weight;
    tokens.push(...p!.getIds(), ...t!.getIds(), EOT);
    weights.push(...p!.getIds().map(() => 0), ...t!.getIds().map(() => w), w);
  }
  let ts = tokens.slice(0, maxContext);
  let ws = weights.slice(0, maxContext);
  let nz = ws.length - 1;
  while (nz >= 0 && ws[nz] === 0) nz--;
  ts = ts.slice(0, nz + 1);
  ws = ws.slice(0, nz + 1);
  if (!ts.length) return null;
  const labels = ts.map((t, i) => (ws[i] !== 0 ? t : 0));
  const shiftedW = [...ws.slice(1), 0];
  let sum = 0;
  for (const x of shiftedW) sum += x;
  return {
    total_length: ts.length,
    num_seqs: Math.fround(sum),
    seqlens: [ts.length],
    nz_input_ids: ts,
    nz_position_ids: ts.map((_, i) => i),
    nz_shifted_label_ids: [...labels.slice(1), 0],
    nz_shifted_loss_weights: shiftedW.map((x) => Math.fround(x)),
  };
}

const readParquet = async (p: string) => {
  const buf = readFileSync(p);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return { meta: parquetMetadata(ab), rows: (await parquetReadObjects({ file: ab })) as unknown as Row[] };
};

const special: Conversation[] = [
  {
    id: 's1',
    source: { file: 't' },
    model: 'gpt-3.5-turbo',
    turns: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi </s> <|end_of_turn|>' },
      { role: 'assistant', content: '\nHello.' },
    ],
  },
  {
    id: 's2',
    source: { file: 't' },
    model: 'Model: GPT-4',
    turns: [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: '  indented 你好 😀', weight: 0 },
      { role: 'user', content: 'Q2' },
      { role: 'assistant', content: 'A2' },
    ],
  },
  {
    id: 's3',
    source: { file: 't' },
    turns: [
      { role: 'user', content: 'long '.repeat(200) },
      { role: 'assistant', content: 'short' },
    ],
  },
];

async function convs(): Promise<Conversation[]> {
  const all = (await collect(readConversations([sharedData('public', 'FastChat_dummy_conversation.json')], {}))) as Conversation[];
  return [...special, ...all.filter((c) => 'turns' in c).slice(0, 60)];
}

describe('parquet-openchat equals OpenChat generate_dataset', () => {
  let tok: { plain: RsTok; special: RsTok };
  let input: Conversation[];
  beforeAll(async () => {
    const t = await loadTokenizer('mistral', { templateSpecials: ['<s>', '<|end_of_turn|>'] });
    const { Tokenizer } = createRequire(import.meta.url)('tokenizers');
    const j = JSON.parse(JSON.stringify(t.spec.full));
    const plain = { ...j, added_tokens: j.added_tokens.filter((x: { special: boolean }) => !x.special) };
    tok = { plain: Tokenizer.fromString(JSON.stringify(plain)), special: Tokenizer.fromString(JSON.stringify(j)) };
    input = await convs();
  });

  async function run(name: string, o: Partial<OpenChatWriterOptions>) {
    const prefix = join(tmp, name, 'oc');
    const w = await OpenChatWriter.open({ prefix, tokenizer: 'mistral', epochs: 3, ...o });
    const rejects = await w.writeBatch(input);
    const res = await w.finish();
    return { prefix, rejects, res, w };
  }

  it('default: model type openchat_v3.2_mistral, 3 epochs shuffled with seed + epoch, rows equal the reference', async () => {
    const { prefix, rejects, res, w } = await run('sft', {});
    expect(res.modelType).toBe('openchat_v3.2_mistral');
    expect(w.maxContext).toBe(8192);
    expect(rejects.every((r) => r === undefined)).toBe(true);
    const lines = readFileSync(`${prefix}.0.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcConv);
    expect(lines.length).toBe(input.length);
    expect(Object.keys(lines[0]!)).toEqual(['items', 'system', 'condition']);
    expect(lines[0]).toEqual({
      items: [
        { role: 'user', content: 'Hi </s> <|end_of_turn|>', weight: 0 },
        { role: 'assistant', content: '\nHello.', weight: 1 },
      ],
      system: 'You are terse.',
      condition: 'GPT4 Correct',
    });
    expect(lines[1]!.items.map((m) => m.weight)).toEqual([0, 0, 0, 1]);
    const want = await Promise.all(lines.map((c) => reference(tok, c, 8192)));
    for (let e = 0; e < 3; e++) {
      const { meta, rows } = await readParquet(`${prefix}.${e}.parquet`);
      expect(meta.key_value_metadata).toContainEqual({ key: 'metadata_json', value: JSON.stringify({ model_type: 'openchat_v3.2_mistral' }) });
      const order = pyShuffledOrder(lines.length, 42 + e);
      expect(rows).toEqual([...order].map((k) => want[k]));
    }
    expect(existsSync(`${prefix}.3.parquet`)).toBe(false);
    // The lone "▁" before "\nHello." is content (trained), as OpenChat tokenizes it.
    const r0 = want[0]!;
    const at = r0.nz_input_ids.indexOf(28705);
    expect(at).toBeGreaterThan(0);
    expect(r0.nz_shifted_loss_weights[at - 1]).toBe(1);
  });

  it('C-RLFT: GPT-4 records "GPT4 Correct" weight 1, others "GPT3" weight 0.1 (README), num_seqs summed as doubles', async () => {
    const { prefix, res } = await run('crlft', { crlft: true, epochs: 1 });
    const lines = readFileSync(`${prefix}.0.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcConv);
    expect(lines[0]!.condition).toBe('GPT3');
    expect(lines[0]!.items[1]!.weight).toBe(0.1);
    expect(lines[1]!.condition).toBe('GPT4 Correct');
    const want = await Promise.all(lines.map((c) => reference(tok, c, 8192)));
    const { rows } = await readParquet(`${prefix}.0.parquet`);
    expect(rows).toEqual([...pyShuffledOrder(lines.length, 42)].map((k) => want[k]));
    expect(res.rows).toBe(lines.length);
  });

  it('per-sequence loss and truncation to a short context', async () => {
    const { prefix, rejects } = await run('psl', { perSequenceLoss: true, maxContext: 96, epochs: 1, seed: 7 });
    // s3's reply starts after 96 tokens: nothing trained is left, so it is quarantined, not dropped.
    expect(rejects[2]).toMatchObject({ reason: 'no_trained_tokens', id: 's3' });
    const lines = readFileSync(`${prefix}.0.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OcConv);
    expect(lines.length).toBe(input.length - rejects.filter(Boolean).length);
    const want = await Promise.all(lines.map((c) => reference(tok, c, 96, true)));
    const { rows } = await readParquet(`${prefix}.0.parquet`);
    expect(rows.length).toBe(lines.length);
    rows.forEach((r, k) => {
      const w = want[pyShuffledOrder(lines.length, 7)[k]!]!;
      expect({ ...r, nz_shifted_loss_weights: [], num_seqs: 0 }).toEqual({ ...w, nz_shifted_loss_weights: [], num_seqs: 0 });
      r.nz_shifted_loss_weights.forEach((x, i) => expect(x).toBeCloseTo(w.nz_shifted_loss_weights[i]!, 6));
      expect(r.num_seqs).toBeCloseTo(w.num_seqs, 5);
    });
  });

  it('refuses a model type OpenChat has no key for, listing the keys; refuses the serving alias', async () => {
    await expect(OpenChatWriter.open({ prefix: join(tmp, 'x', 'x'), tokenizer: 'qwen3' })).rejects.toThrow(
      /no model type for template openchat_3.5 with a other tokenizer[\s\S]*openchat_v3.2_mistral/,
    );
    await expect(OpenChatWriter.open({ prefix: join(tmp, 'x', 'x'), tokenizer: 'mistral', modelType: 'openchat_3.5' })).rejects.toThrow(/serving alias/);
    const w = await OpenChatWriter.open({ prefix: join(tmp, 'l2', 'x'), tokenizer: 'llama2' });
    expect([w.modelType, w.maxContext]).toEqual(['openchat_v3.2', 4096]);
    await w.abort();
  });
});

describe("CPython's random.shuffle", () => {
  // Recorded with CPython 3.11.7: x = list(range(n)); random.seed(s); random.shuffle(x)
  it('equals recorded CPython orders', () => {
    expect([...pyShuffledOrder(10, 42)]).toEqual([7, 3, 2, 8, 5, 6, 9, 4, 0, 1]);
    expect([...pyShuffledOrder(7, 43)]).toEqual([5, 6, 4, 3, 1, 2, 0]);
    expect([...pyShuffledOrder(5, 0)]).toEqual([2, 1, 0, 4, 3]);
    expect([...pyShuffledOrder(12, 2 ** 40 + 3)]).toEqual([10, 7, 2, 6, 9, 11, 5, 4, 1, 8, 0, 3]);
    const big = pyShuffledOrder(1000, 46);
    expect([...big.slice(0, 12)]).toEqual([912, 843, 883, 10, 748, 293, 341, 615, 533, 438, 630, 346]);
    expect(big.reduce((a, v, i) => a + i * v, 0)).toBe(251433964);
  });

  const py = [join(ROOT, '.venv-py', 'bin', 'python'), '/usr/bin/python3'].find((p) => existsSync(p));
  it.skipIf(!py)('equals the local Python on 20 random sizes and seeds (skipped: no Python found)', () => {
    const cases = Array.from({ length: 20 }, (_, i) => [1 + ((i * 7919) % 3000), 40 + i * 1000003]);
    const out = execFileSync(
      py!,
      ['-c', 'import random,json,sys\nfor n,s in json.loads(sys.argv[1]):\n x=list(range(n)); random.seed(s); random.shuffle(x); print(json.dumps(x))', JSON.stringify(cases)],
      { encoding: 'utf8' },
    );
    out
      .trim()
      .split('\n')
      .forEach((l, i) => expect([...pyShuffledOrder(cases[i]![0]!, cases[i]![1]!)]).toEqual(JSON.parse(l)));
  });
});

describe('C-RLFT classes', () => {
  it('maps ShareGPT model fields', () => {
    expect(['Model: GPT-4', 'gpt-4-0613', 'GPT-3.5', 'gpt-3.5-turbo', 'Model: Default (GPT-3.5)', 'text-davinci-002-render-sha', '', undefined].map(modelClass)).toEqual([
      'gpt4',
      'gpt4',
      'gpt35',
      'gpt35',
      'gpt35',
      'gpt35',
      'unknown',
      'unknown',
    ]);
    expect(crlftClass(undefined)).toEqual({ condition: 'GPT3', weight: 0.1 });
    expect(crlftClass('x', { unknownAs: 'gpt4' })).toEqual({ condition: 'GPT4 Correct', weight: 1 });
  });
});
