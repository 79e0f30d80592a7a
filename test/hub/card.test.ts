import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildDatasetCard, GENERATED_HEADING, splitFrontMatter, type DatasetCardInput } from '../../src/hub/index.js';
import { languagesFromStats, sizeCategory } from '../../src/hub/card-meta.js';
import { statsRows } from '../../src/hub/card-stats.js';
import { sampleMarkdown, trainedRuns } from '../../src/hub/card-sample.js';
import { loadDecoder } from '../../src/hub/decoder.js';
import { UsageError } from '../../src/core/errors.js';

const base: DatasetCardInput = {
  repo: 'alice/chat-sft',
  kind: 'tokenized',
  format: 'arrow',
  rows: 1234,
  files: 2,
  downloadSize: 5000,
  numBytes: 5000,
  dataFiles: 'data/train-*.arrow',
  features: [
    { name: 'id', dtype: 'string' },
    { name: 'input_ids', list: 'int32' },
  ],
  report: { records_in: 1300, records_out: 1234, rejects: { too_long: 6, duplicate: 60, blocked_words: 0 }, repairs: {}, counters: {} },
};

function frontMatter(card: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(card);
  expect(m).not.toBeNull();
  return parse(m![1]!) as Record<string, unknown>;
}

describe('buildDatasetCard', () => {
  it('is deterministic and its YAML parses', () => {
    const a = buildDatasetCard(base);
    expect(buildDatasetCard(base)).toBe(a);
    const meta = frontMatter(a);
    expect(meta.size_categories).toEqual(['1K<n<10K']);
    expect((meta.dataset_info as { splits: unknown }).splits).toEqual([{ name: 'train', num_bytes: 5000, num_examples: 1234 }]);
    expect(meta.license).toBeUndefined(); // never guessed
  });

  it('lists rejects by count, largest first, and leaves out zero counts', () => {
    const card = buildDatasetCard(base);
    expect(card).toContain('| `duplicate` | 60 |\n| `too_long` | 6 |\n| **total** | 66 |');
    expect(card).not.toContain('blocked_words');
  });

  it('merges a user card: their keys win, their prose first, ours under a heading', () => {
    const user = '---\nlicense: mit\npretty_name: Chat SFT\ntags:\n  - mine\n---\n# Chat SFT\n\nOur words first.\n';
    const card = buildDatasetCard({ ...base, license: 'apache-2.0', userCard: user });
    const meta = frontMatter(card);
    expect(meta.license).toBe('mit');
    expect(meta.pretty_name).toBe('Chat SFT');
    expect(meta.tags).toEqual(['mine']);
    expect(meta.configs).toEqual([{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train-*.arrow' }] }]);
    const body = splitFrontMatter(card).body;
    expect(body.startsWith('# Chat SFT\n\nOur words first.\n\n## ' + GENERATED_HEADING + '\n')).toBe(true);
    expect(body).toContain('### How it was built');
    expect(body).not.toMatch(/^# chat-sft$/m);
  });

  it('a user card without front matter keeps our YAML; bad YAML is a clear usage error', () => {
    const card = buildDatasetCard({ ...base, userCard: 'Just prose.\n' });
    expect(frontMatter(card).configs).toBeDefined();
    expect(splitFrontMatter(card).body.startsWith('Just prose.')).toBe(true);
    expect(() => buildDatasetCard({ ...base, userCard: '---\nlicense: [mit\n---\nx', userCardPath: 'MY.md' })).toThrow(UsageError);
    expect(() => buildDatasetCard({ ...base, userCard: '---\n- a\n- b\n---\nx' })).toThrow(/front matter must be a YAML mapping/);
  });
});

describe('statistics, read defensively', () => {
  it('shows numeric leaves two levels deep, MTLD beside UltraChat 74.3, and ignores the rest', () => {
    const rows = statsRows({ mtld: { mean: 70.12345, p50: 69 }, turns_per_dialogue: { mean: 3.5 }, label: 'x', list: [1, 2], deep: { a: { b: 1 } }, nan: NaN });
    expect(rows).toEqual([
      ['mtld.mean', '70.123', 'UltraChat: 74.3'],
      ['mtld.p50', '69', ''],
      ['turns_per_dialogue.mean', '3.5', ''],
    ]);
    expect(statsRows(undefined)).toEqual([]);
  });

  it("reads `sftforge stats --json` output (StatsResult) into a curated table, with the file's own UltraChat reference", () => {
    const d = (mean: number, p50: number, max: number) => ({ count: 10, mean, min: 0, p50, p90: max, p99: max, max });
    const stats = {
      sftforge_stats: 1,
      options: { sample: null },
      population: { dialogues: 120, measured: 120, rejected: {} },
      text: {
        turns_per_dialogue: d(3.5, 3, 8),
        words_per_utterance: { all: d(40, 30, 200), user: d(12.25, 10, 50), assistant: d(80.5, 70, 400) },
        mtld: { all: { ...d(71.23456, 70, 120), empty: 2 }, user: { ...d(55, 50, 90), empty: 1 }, assistant: { ...d(80.1, 79, 120), empty: 1 } },
        distinct_1: { unique: 10, total: 100, ratio: 0.1, exact: true },
        distinct_2: { unique: 40, total: 100, ratio: 0.4, exact: true },
        gzip: { raw_bytes: 100, gzip_bytes: 40, ratio: 2.5 },
      },
      groups: {},
      tokenized: [{ rows: 120, tokens_per_row: d(512, 480, 2048), trained_tokens_per_row: d(300, 280, 1500), tokens_total: 61440, trained_tokens_total: 36000, share_trained: 0.5859375 }],
      reference: [
        { dataset: 'Baize', mtld: 67.1 },
        { dataset: 'UltraChat', mtld: 74.3 },
      ],
    };
    expect(statsRows(stats)).toEqual([
      ['dialogues measured', '120', ''],
      ['turns per dialogue', 'mean 3.5 · p50 3 · p90 8 · p99 8 · max 8', ''],
      ['words per user message', 'mean 12.25 · p50 10 · p90 50 · p99 50 · max 50', ''],
      ['words per assistant message', 'mean 80.5 · p50 70 · p90 400 · p99 400 · max 400', ''],
      ['MTLD (mean per utterance)', '71.235', 'UltraChat: 74.3'],
      ['MTLD user / assistant', '55 / 80.1', ''],
      ['distinct-1 / distinct-2', '0.1 / 0.4', ''],
      ['gzip ratio', '2.5', ''],
      ['tokens per row', 'mean 512 · p50 480 · p90 2,048 · p99 2,048 · max 2,048', ''],
      ['trained tokens per row', 'mean 300 · p50 280 · p90 1,500 · p99 1,500 · max 1,500', ''],
      ['tokens in total', '61,440', ''],
      ['trained tokens in total', '36,000 (58.6%)', ''],
    ]);
    // Missing parts leave rows out rather than failing.
    expect(statsRows({ text: null, tokenized: [], population: { dialogues: 5 } })).toEqual([['dialogues measured', '5', '']]);
  });

  it('takes card languages from stats shares over 5%', () => {
    expect(languagesFromStats({ languages: { en: 900, zh: 80, fr: 20, 'not-a-code': 5 } })).toEqual(['en', 'zh']);
    expect(languagesFromStats({ languages: 'en' })).toBeUndefined();
  });

  it("size categories follow the Hub's buckets", () => {
    expect([0, 999, 1000, 9999, 10_000, 999_999, 1_000_000, 2e12].map(sizeCategory)).toEqual(['n<1K', 'n<1K', '1K<n<10K', '1K<n<10K', '10K<n<100K', '100K<n<1M', '1M<n<10M', 'n>1T']);
  });
});

describe('sample row', () => {
  it('marks trained runs: label set and loss weight above 0', () => {
    const row = { id: 'r', input_ids: [1, 5, 6, 7, 8, 9, 2], labels: [-100, -100, 6, 7, 8, 9, 2], loss_weights: [0, 0, 1, 0, 0, 1, 1] };
    const tr = trainedRuns(row)!;
    expect(tr.runs).toEqual([
      { trained: false, ids: [1, 5] },
      { trained: true, ids: [6] },
      { trained: false, ids: [7, 8] },
      { trained: true, ids: [9, 2] },
    ]);
    expect(sampleMarkdown(row)).toContain('```\n1 5 ⟦6⟧ 7 8 ⟦9 2⟧\n```');
  });

  it('truncates long rows, notes packing, and falls back to ids when the decoder throws', () => {
    const n = 500;
    const row = { id: 'p', input_ids: Array.from({ length: n }, (_, i) => i), labels: Array.from({ length: n }, (_, i) => (i % 2 ? i : -100)), seq_lens: [200, 300] };
    const md = sampleMarkdown(row, () => {
      throw new Error('no');
    })!;
    expect(md).toContain('500 tokens (the first 384 shown)');
    expect(md).toContain('This row packs 2 sequences of 200, 300 tokens.');
    expect(md).toContain('0 ⟦1⟧ 2 ⟦3⟧');
    expect(md).toMatch(/ …\n```$/);
  });

  it('shows text when a local tokenizer.json decodes, and a fence longer than any backticks inside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sftforge-tok-'));
    const tokenizer = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: null,
      decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[UNK]': 0, question: 1, '```': 2, answer: 3 } },
    };
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    const decode = (await loadDecoder('tokenizer.json', dir))!;
    expect(decode([1, 3])).toBe('question answer');
    expect(await loadDecoder(dir, '/')).toBeDefined(); // a folder holding tokenizer.json
    expect(await loadDecoder('Qwen/Qwen3-0.6B', dir)).toBeUndefined(); // a Hub name: never downloaded
    const md = sampleMarkdown({ id: 'd', input_ids: [1, 2, 3], labels: [-100, 2, 3] }, decode)!;
    // A tokenizer bundled with sftforge (as `tokenize --tokenizer llama2` records it) loads offline.
    const bundled = (await loadDecoder('llama2', dir))!;
    expect(bundled).toBeDefined();
    const hello = [1, 15043, 3186, 2]; // "<s> Hello world</s>" in LLaMA-2's vocabulary
    expect(sampleMarkdown({ id: 'h', input_ids: hello, labels: [-100, -100, 3186, 2] }, bundled)).toContain('```text\n<s> Hello⟦ world</s>⟧\n```');
    expect(md).toContain('Text inside ⟦ ⟧ is trained');
    expect(md).toContain('````text\nquestion⟦ ``` answer⟧\n````');
  });
});
