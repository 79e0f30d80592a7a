import { beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, Turn } from '../../src/core/types.js';
import { Formatter, type FormatItem, type FormatRow } from '../../src/format/formatter.js';
import { IGNORE_INDEX } from '../../src/format/mask.js';
import { ffd } from '../../src/format/pack.js';
import { planSegments, roundsOf, truncateRow } from '../../src/format/chunk.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';
import { openchatDouble } from './helpers.js';

const template = openchatDouble();
let tok: LoadedTokenizer;
beforeAll(async () => {
  tok = await loadTokenizer('llama2', { templateSpecials: template.specialTokens });
});

/** n tokens of filler: "▁a" is one Llama token. */
const words = (tag: string, n: number) => `${tag}${' a'.repeat(n)}`;

function conv(turns: Turn[], id = 'c'): Conversation {
  return { id, turns, source: { file: 'test.jsonl', line: 1 } };
}

async function fmt(c: Conversation, maxLen: number, chunk: 'split' | 'truncate' | 'drop') {
  const f = new Formatter(template, tok, { maxLen, chunk, tokenize: 'whole' });
  const out = await f.formatBatch([c]);
  return { item: out.items[0]! as FormatItem, counters: out.counters };
}

const rowsOf = (it: FormatItem): FormatRow[] => {
  if ('reject' in it) throw new Error(`rejected: ${it.reject.reason} ${it.reject.detail}`);
  return it.rows;
};

async function text(ids: Int32Array): Promise<string> {
  return (await tok.decodeBatch([ids]))[0]!;
}

async function trainedText(r: FormatRow): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < r.ids.length; ) {
    if (r.labels[i] === IGNORE_INDEX) {
      i++;
      continue;
    }
    let j = i;
    while (j < r.ids.length && r.labels[j] !== IGNORE_INDEX) j++;
    parts.push(await text(r.ids.subarray(i, j)));
    i = j;
  }
  return parts.join('|');
}

// Rounds of ~ 20 + n tokens each (headers, markers and the tag words).
const round = (k: number, n: number): Turn[] => [
  { role: 'user', content: words(`Q${k}`, 5) },
  { role: 'assistant', content: words(`R${k}`, n) },
];

describe('--chunk split', () => {
  it('keeps a conversation that fits whole, id unchanged', async () => {
    const { item } = await fmt(conv([...round(0, 10), ...round(1, 10)]), 512, 'split');
    const rows = rowsOf(item);
    expect(rows.map((r) => r.id)).toEqual(['c']);
  });

  it('overflow on the last round: the last round becomes its own segment (FastChat drops it)', async () => {
    const c = conv([...round(0, 40), ...round(1, 40), ...round(2, 40)]);
    const { item, counters } = await fmt(c, 150, 'split');
    const rows = rowsOf(item);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(r.ids.length).toBeLessThanOrEqual(150);
    const trained = await Promise.all(rows.map(trainedText));
    const all = trained.join('|');
    for (const k of [0, 1, 2]) expect(all).toContain(`R${k}`);
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, k) => `c_${k}`));
    expect(counters.conversations_split).toBe(1);
    expect(counters.rounds_truncated ?? 0).toBe(0);
    // Each segment starts at a user turn, right after BOS.
    for (const r of rows) expect((await text(r.ids)).replace(/^<s>\s*/, '')).toMatch(/^GPT4 Correct User: Q\d/);
  });

  it('an over-long middle round is its own segment, truncated inside the reply; its neighbours survive', async () => {
    const c = conv([...round(0, 10), ...round(1, 400), ...round(2, 10)]);
    const { item, counters } = await fmt(c, 150, 'split');
    const rows = rowsOf(item);
    expect(rows.length).toBe(3);
    expect(counters.rounds_truncated).toBe(1);
    expect(counters.trained_tokens_lost).toBeGreaterThan(200);
    const t = await Promise.all(rows.map(trainedText));
    expect(t[0]).toMatch(/R0( a){10}<\|end_of_turn\|>/);
    expect(t[1]).toMatch(/^R1( a)+$/); // cut inside the reply: no end marker
    expect(rows[1]!.ids.length).toBeLessThanOrEqual(150);
    expect(rows[1]!.labels[rows[1]!.ids.length - 1]).not.toBe(IGNORE_INDEX);
    expect(t[2]).toMatch(/R2( a){10}<\|end_of_turn\|>/);
  });

  it('an over-long first round is kept, truncated (FastChat emits an empty sample and loses it)', async () => {
    const c = conv([...round(0, 400), ...round(1, 10)]);
    const { item, counters } = await fmt(c, 150, 'split');
    const rows = rowsOf(item);
    expect(rows.length).toBe(2);
    expect(counters.rounds_truncated).toBe(1);
    expect(await trainedText(rows[0]!)).toMatch(/^R0( a)+$/);
    expect(await trainedText(rows[1]!)).toMatch(/R1( a){10}<\|end_of_turn\|>/);
  });

  it('repeats the system turn in every segment', async () => {
    const c = conv([{ role: 'system', content: 'SYSTEM PROMPT' }, ...round(0, 50), ...round(1, 50), ...round(2, 50)]);
    const rows = rowsOf((await fmt(c, 140, 'split')).item);
    expect(rows.length).toBe(3);
    for (const r of rows) expect(await text(r.ids)).toMatch(/^<s>\s*SYSTEM PROMPT<\|end_of_turn\|>\s*GPT4 Correct User: Q\d/);
  });

  it('drops a segment with nothing to train and says so when none is left', async () => {
    const c = conv([
      { role: 'user', content: words('Q', 300) },
      { role: 'assistant', content: 'short' },
    ]);
    const { item } = await fmt(c, 100, 'split');
    expect('reject' in item && item.reject.reason).toBe('no_trained_tokens');
  });
});

describe('--chunk truncate and drop', () => {
  it('truncate cuts at max-len and drops trailing untrained tokens', async () => {
    const c = conv([...round(0, 30), ...round(1, 30), ...round(2, 30)]);
    const { item, counters } = await fmt(c, 100, 'truncate');
    const [row] = rowsOf(item);
    expect(row!.ids.length).toBeLessThanOrEqual(100);
    expect(row!.labels[row!.ids.length - 1]).not.toBe(IGNORE_INDEX);
    expect(counters.rows_truncated).toBe(1);
    const full = rowsOf((await fmt(c, 10_000, 'truncate')).item)[0]!;
    const trainedFull = full.labels.filter((l) => l !== IGNORE_INDEX).length;
    const trainedKept = row!.labels.filter((l) => l !== IGNORE_INDEX).length;
    expect(counters.trained_tokens_lost).toBe(trainedFull - trainedKept);
    expect(Array.from(row!.ids)).toEqual(Array.from(full.ids.subarray(0, row!.ids.length)));
  });

  it('truncate with no reply before the cut → no_trained_tokens', async () => {
    const c = conv([
      { role: 'user', content: words('Q', 300) },
      { role: 'assistant', content: 'ok' },
    ]);
    const { item } = await fmt(c, 50, 'truncate');
    expect('reject' in item && item.reject.reason).toBe('no_trained_tokens');
  });

  it('drop rejects over-long conversations as too_long', async () => {
    const c = conv([...round(0, 300)]);
    const { item } = await fmt(c, 100, 'drop');
    expect('reject' in item && item.reject.reason).toBe('too_long');
    expect('reject' in item && item.reject.detail).toMatch(/> --max-len 100/);
  });
});

describe('chunk helpers', () => {
  it('roundsOf: system preamble, a round per user turn', () => {
    const t = (role: Turn['role']): Turn => ({ role, content: '' });
    expect(roundsOf([t('system'), t('user'), t('assistant'), t('user'), t('assistant')])).toEqual({
      preamble: 1,
      rounds: [
        [1, 3],
        [3, 5],
      ],
    });
    expect(roundsOf([t('assistant'), t('user'), t('assistant')])).toEqual({
      preamble: 0,
      rounds: [
        [0, 1],
        [1, 3],
      ],
    });
  });
  it('planSegments: greedy, never an empty segment, over-long rounds alone', () => {
    expect(planSegments([10, 10, 10], 5, 30)).toEqual([[0, 1], [2]]);
    expect(planSegments([50, 10, 10], 5, 30)).toEqual([[0], [1, 2]]);
    expect(planSegments([10, 50, 10], 5, 30)).toEqual([[0], [1], [2]]);
    expect(planSegments([10, 10, 50], 5, 30)).toEqual([[0, 1], [2]]);
  });
  it('truncateRow counts lost trained tokens', () => {
    const r = { ids: Int32Array.of(1, 2, 3, 4, 5, 6), labels: Int32Array.of(-100, 2, 3, -100, 5, 6), weights: Float32Array.of(0, 1, 1, 0, 1, 1) };
    const t = truncateRow(r, 4);
    expect(Array.from(t.row.ids)).toEqual([1, 2, 3]);
    expect(t.lost).toBe(2);
    expect(t.trained).toBe(2);
  });
  it('ffd: first-fit-decreasing, ties by input order', () => {
    expect(ffd([3, 5, 2, 5, 1], 6).map((b) => Array.from(b))).toEqual([[1, 4], [3], [0, 2]]);
  });
});
