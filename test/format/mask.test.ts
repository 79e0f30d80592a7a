import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Conversation, Turn } from '../../src/core/types.js';
import { Formatter, type FormatRow } from '../../src/format/formatter.js';
import { IGNORE_INDEX } from '../../src/format/mask.js';
import { decodedMatches } from '../../src/format/check.js';
import type { ChatTemplate, Rendered } from '../../src/format/templates/types.js';
import { getTemplate } from '../../src/format/templates/index.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';
import { chatmlDouble, openchatDouble } from './helpers.js';

const SPECIALS = ['</s>', '<s>', '<|im_end|>', '<|im_start|>', '<|end_of_turn|>', '<unk>'];
const piece = fc.constantFrom(
  'Hello',
  ' world',
  '  ',
  '\n',
  '\n\n',
  '\t',
  '你好',
  '世界',
  '日本語',
  '😀',
  '🎉',
  '👩‍👩‍👧',
  '𐍈',
  'def f(x):\n    return x * 2',
  '```js\nlet a = 1;\n```',
  'é',
  'naïve',
  '123',
  '3.14',
  '.',
  ',',
  '?',
  '"',
  "'",
  ':',
  '▁',
  ...SPECIALS,
);
const content = fc.array(piece, { minLength: 0, maxLength: 10 }).map((a) => a.join(''));
const weight = fc.constantFrom<number | undefined>(undefined, undefined, undefined, 1, 0, 0.5);

const conversation = fc.tuple(fc.option(content, { nil: undefined }), fc.array(fc.tuple(content, content, weight), { minLength: 1, maxLength: 4 })).map(([sys, rounds], k): Conversation => {
  const turns: Turn[] = [];
  if (sys) turns.push({ role: 'system', content: sys });
  for (const [u, a, w] of rounds) turns.push({ role: 'user', content: u }, { role: 'assistant', content: a, ...(w === undefined ? {} : { weight: w }) });
  return { id: `c${k}`, turns, source: { file: 'prop', index: k } };
});

/** Maximal runs of trained tokens. */
function runs(row: FormatRow): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < row.labels.length; ) {
    if (row.labels[i] === IGNORE_INDEX) {
      i++;
      continue;
    }
    let j = i;
    while (j < row.labels.length && row.labels[j] !== IGNORE_INDEX) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

const setups: [string, string, () => ChatTemplate][] = [
  ['llama2 + OpenChat double', 'llama2', () => openchatDouble()],
  ['qwen3 + ChatML double', 'qwen3', () => chatmlDouble()],
  ['llama2 + openchat_3.5 (templates module)', 'llama2', () => getTemplate('openchat_3.5', { bosToken: '<s>' })],
  // OpenChat 3.5 is a Mistral-7B fine-tune: its real tokenizer.
  ['mistral + openchat_3.5 (templates module)', 'mistral', () => getTemplate('openchat_3.5', { bosToken: '<s>' })],
];

describe.each(setups)('mask invariants: %s', (_n, tokName, tpl) => {
  let tok: LoadedTokenizer;
  let jsTok: LoadedTokenizer;
  let template: ChatTemplate;
  beforeAll(async () => {
    template = tpl();
    tok = await loadTokenizer(tokName, { templateSpecials: template.specialTokens, backend: 'native' });
    jsTok = await loadTokenizer(tokName, { templateSpecials: template.specialTokens, backend: 'js' });
  });

  it('trained tokens are exactly the replies with their end markers, on both backends', async () => {
    const f = new Formatter(template, tok, { maxLen: 1 << 20, chunk: 'split', tokenize: 'whole' });
    const fj = new Formatter(template, jsTok, { maxLen: 1 << 20, chunk: 'split', tokenize: 'whole' });
    await fc.assert(
      fc.asyncProperty(fc.array(conversation, { minLength: 1, maxLength: 6 }), async (convs) => {
        const out = await f.formatBatch(convs);
        const outJs = await fj.formatBatch(convs);
        for (const [k, c] of convs.entries()) {
          const it = out.items[k]!;
          const trainedTurns = c.turns.filter((t) => t.role === 'assistant' && (t.weight ?? 1) > 0);
          if ('reject' in it) {
            // The only allowed reject: nothing to train.
            expect(it.reject.reason, it.reject.detail).toBe('no_trained_tokens');
            expect(trainedTurns.length).toBe(0);
            continue;
          }
          const row = it.rows[0]!;
          const rowJs = (outJs.items[k] as { rows: FormatRow[] }).rows[0]!;
          expect(Array.from(rowJs.ids)).toEqual(Array.from(row.ids));
          expect(Array.from(rowJs.labels)).toEqual(Array.from(row.labels));
          row.labels.forEach((l, i) => expect(l === IGNORE_INDEX || l === row.ids[i]).toBe(true));
          const rs = runs(row);
          expect(rs.length).toBe(trainedTurns.length);
          const r: Rendered = template.render(c.turns);
          const d = await tok.decodeBatch(rs.map(([a, b]) => row.ids.subarray(a, b)));
          r.trained
            .filter((s) => s.weight > 0)
            .forEach((s, i) => {
              // Decoded trained run = reply + end marker (Llama writes a literal "▁" back as a space).
              expect(decodedMatches(d[i]!, r.text.slice(s.start, s.end)), `${JSON.stringify(d[i])} vs ${JSON.stringify(r.text.slice(s.start, s.end))}`).toBe(true);
              for (let t = rs[i]![0]; t < rs[i]![1]; t++) expect(row.weights[t]).toBeCloseTo(s.weight, 6);
            });
          let trained = 0;
          row.weights.forEach((w, t) => (w > 0 ? trained++ : expect(row.labels[t]).toBe(IGNORE_INDEX)));
          expect(trained).toBe(row.labels.filter((l) => l !== IGNORE_INDEX).length);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('BOS, system, user turns and headers are never trained', async () => {
    const f = new Formatter(template, tok, { maxLen: 1 << 20, chunk: 'split', tokenize: 'whole' });
    const c: Conversation = {
      id: 'x',
      source: { file: 't' },
      turns: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hi </s>' },
        { role: 'assistant', content: 'hi' },
      ],
    };
    const out = await f.formatBatch([c]);
    const row = (out.items[0] as { rows: FormatRow[] }).rows[0]!;
    const rs = runs(row);
    expect(rs.length).toBe(1);
    const before = await tok.decodeBatch([row.ids.subarray(0, rs[0]![0])]);
    expect(before[0]).toContain('You are terse.');
    expect(before[0]).toContain('Say hi </s>');
    const after = await tok.decodeBatch([row.ids.subarray(rs[0]![0])]);
    expect(after[0]!.trimStart()).toMatch(/^hi(<\|end_of_turn\|>|<\|im_end\|>)/);
  });
});

describe('the mask check catches wrong spans', () => {
  let tok: LoadedTokenizer;
  beforeAll(async () => {
    tok = await loadTokenizer('llama2', { templateSpecials: ['<s>', '<|end_of_turn|>'] });
  });
  const conv: Conversation = {
    id: 'w',
    source: { file: 't', line: 7 },
    turns: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello there' },
    ],
  };
  const shifted = (by: number, endBy = 0): ChatTemplate => {
    const base = openchatDouble();
    return {
      ...base,
      render: (t, o) => {
        const r = base.render(t, o);
        return { ...r, trained: r.trained.map((s) => ({ ...s, start: s.start + by, end: s.end + endBy })) };
      },
    };
  };

  it.each([
    ['span starting inside the header', shifted(-3), /straddles the start/],
    ['span ending before its end marker', shifted(0, -3), /end marker|straddles the end|decode/],
    ['span starting mid-word', shifted(2), /straddles|starts before/],
  ])('%s → mask_mismatch', async (_n, template, why) => {
    const f = new Formatter(template, tok, { maxLen: 4096, chunk: 'split', tokenize: 'whole' });
    const out = await f.formatBatch([conv]);
    const it = out.items[0]!;
    expect('reject' in it).toBe(true);
    if ('reject' in it) {
      expect(it.reject.reason).toBe('mask_mismatch');
      expect(it.reject.detail).toMatch(why);
      expect(it.reject.source).toEqual({ file: 't', line: 7 });
    }
  });

  it('a template whose generation prompt is not a prefix → mask_mismatch', async () => {
    const base = openchatDouble();
    const bad: ChatTemplate = {
      ...base,
      render: (t, o) => (o?.addGenerationPrompt ? { ...base.render(t, o), text: base.render(t, o).text.replace('GPT4 Correct Assistant:', 'GPT4 Assistant:') } : base.render(t, o)),
    };
    const out = await new Formatter(bad, tok, { maxLen: 4096, chunk: 'split', tokenize: 'whole' }).formatBatch([conv]);
    expect((out.items[0] as { reject: { reason: string; detail: string } }).reject.detail).toMatch(/generation prompt/);
  });
});
