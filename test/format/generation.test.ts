// Templates whose `{% generation %}` blocks say what is trained (transformers' AssistantTracker):
// the blocks may begin before the generation prompt ends (SmolLM3's hold the assistant header),
// so the prompt check only asks that the prompt be a prefix. End to end through runTokenize with
// the bundled qwen3 tokenizer: no sample is rejected, and the trained tokens decode to exactly
// the template's generation regions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { Conversation, Turn } from '../../src/core/types.js';
import { isReject } from '../../src/core/types.js';
import { readConversations } from '../../src/io/read.js';
import { checkPromptPrefix, promptRenderer } from '../../src/format/check.js';
import { IGNORE_INDEX } from '../../src/format/mask.js';
import { runTokenize } from '../../src/format/run-tokenize.js';
import { templateOptions } from '../../src/format/setup.js';
import { getTemplate } from '../../src/format/templates/index.js';
import type { ChatTemplate } from '../../src/format/templates/types.js';
import { loadTokenizer } from '../../src/format/tokenizer/index.js';
import { resolveBundled } from '../../src/format/tokenizer/bundled.js';

const SHARED = resolve(process.cwd(), '../shared');
const tmp = mkdtempSync(join(tmpdir(), 'sftforge-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** ChatML with the whole assistant block (header, reply, <|im_end|>\n) in a generation block, as SmolLM3 writes it. */
const CHATML_GENERATION =
  '{%- for message in messages -%}' +
  "{%- if message.role == 'assistant' -%}" +
  "{%- generation -%}{{ '<|im_start|>assistant\\n' + message.content + '<|im_end|>\\n' }}{%- endgeneration -%}" +
  "{%- else -%}{{ '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endif -%}" +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}";

const SMOLLM3: string = JSON.parse(readFileSync(join(SHARED, 'vectors/huggingface.js_jinja_e2e_chat_template_vectors.json'), 'utf8')).custom_templates['HuggingFaceTB/SmolLM3-3B'].chat_template;

/** A tokenizer folder: the bundled qwen3 tokenizer.json, its config with this chat_template. */
async function qwen3With(chatTemplate: string, name: string): Promise<string> {
  const q = (await resolveBundled('qwen3'))!;
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(q.tokenizer, join(dir, 'tokenizer.json'));
  const config = JSON.parse(readFileSync(q.config!, 'utf8'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, chat_template: chatTemplate }));
  return dir;
}

/** 60 FastChat conversations, plus system turns, CJK, emoji, code and typed special tokens. */
function inputFile(): string {
  const dummy = JSON.parse(readFileSync(join(SHARED, 'data/public/FastChat_dummy_conversation.json'), 'utf8')).slice(0, 60);
  const extra = [
    {
      id: 'sys',
      conversations: [
        { from: 'system', value: 'You are terse.' },
        { from: 'human', value: 'Say hi' },
        { from: 'gpt', value: 'hi' },
      ],
    },
    {
      id: 'cjk',
      conversations: [
        { from: 'human', value: '你好 😀' },
        { from: 'gpt', value: '你好！👩‍👩‍👧 世界' },
        { from: 'human', value: 'code?' },
        { from: 'gpt', value: '```py\nprint(1)\n```' },
      ],
    },
    {
      id: 'typed',
      conversations: [
        { from: 'human', value: 'type <|im_end|> please' },
        { from: 'gpt', value: 'here: <|im_end|> and <|im_start|>user' },
      ],
    },
  ];
  const f = join(tmp, 'in.json');
  writeFileSync(f, JSON.stringify([...dummy, ...extra]));
  return f;
}

function readRows(dir: string): { id: string; input_ids: number[]; labels: number[] }[] {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  return state._data_files.flatMap((f: { filename: string }) =>
    tableFromIPC(readFileSync(join(dir, f.filename)))
      .toArray()
      .map((r) => {
        const o = r.toJSON() as { id: string; input_ids: { toArray(): ArrayLike<number> }; labels: { toArray(): ArrayLike<number> } };
        return { id: o.id, input_ids: Array.from(o.input_ids.toArray()), labels: Array.from(o.labels.toArray()) };
      }),
  );
}

function trainedRuns(labels: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === IGNORE_INDEX) continue;
    const s = i;
    while (i < labels.length && labels[i] !== IGNORE_INDEX) i++;
    out.push([s, i]);
  }
  return out;
}

const cases: [string, string, Record<string, unknown> | undefined][] = [
  ['ChatML with generation blocks', CHATML_GENERATION, undefined],
  ['SmolLM3 (thinking: blocks hold the header)', SMOLLM3, undefined],
  ['SmolLM3 enable_thinking false (blocks hold the header and an empty think block)', SMOLLM3, { enable_thinking: false }],
];

describe.each(cases)('%s, qwen3 tokenizer, end to end', (name, chatTemplate, kwargs) => {
  let conversations: Map<string, Conversation>;
  let template: ChatTemplate;
  let res: Awaited<ReturnType<typeof runTokenize>>;
  let out: string;
  let dir: string;
  beforeAll(async () => {
    const input = inputFile();
    dir = await qwen3With(chatTemplate, name.replace(/\W+/g, '-'));
    conversations = new Map();
    for await (const c of readConversations([input])) if (!isReject(c)) conversations.set(c.id, c);
    template = getTemplate('hf', templateOptions('hf', JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')), kwargs));
    out = join(tmp, `out-${name.replace(/\W+/g, '-')}`);
    res = await runTokenize({ inputs: [input], output: out, tokenizer: dir, template: 'hf', templateKwargs: kwargs, maxLen: 8192, quiet: true });
  });

  it('the template is a generation-block one whose blocks start before the prompt ends (the strict check rejects it)', () => {
    expect(template.generationBlocks).toBe(true);
    const c = conversations.get('sys')!;
    const r = template.render(c.turns);
    const strict = checkPromptPrefix(promptRenderer(template, c.turns), c.turns, r, { generationBlocks: false });
    expect(strict.failure).toMatch(/the generation prompt ends at \d+, after the reply starts/);
    expect(checkPromptPrefix(promptRenderer(template, c.turns), c.turns, r)).toEqual({ gaps: 0 });
  });

  it('rejects nothing (no mask_mismatch)', () => {
    expect(res.report.rejects).toEqual({});
    expect(res.report.records_out).toBe(conversations.size);
    expect(res.manifest.rows).toBe(conversations.size);
  });

  it('trains exactly the generation regions: the trained tokens decode to each block, in order', async () => {
    const tok = await loadTokenizer(dir, { templateSpecials: template.specialTokens });
    const rows = readRows(out);
    expect(rows.length).toBe(conversations.size);
    let blocks = 0;
    for (const row of rows) {
      const turns: readonly Turn[] = conversations.get(row.id)!.turns;
      const r = template.render(turns);
      const expected = r.trained.filter((s) => s.weight > 0).map((s) => r.text.slice(s.start, s.end));
      // Each block holds the assistant header: it starts before the generation prompt ends.
      for (const e of expected) expect(e.startsWith('<|im_start|>assistant\n'), e).toBe(true);
      const runs = trainedRuns(row.labels);
      for (const [a, b] of runs) for (let i = a; i < b; i++) expect(row.labels[i]).toBe(row.input_ids[i]);
      const decoded = await tok.decodeBatch(runs.map(([a, b]) => Int32Array.from(row.input_ids.slice(a, b))));
      expect(decoded, row.id).toEqual(expected);
      // And the untrained rest decodes to the rest of the text: nothing lost or doubled.
      expect((await tok.decodeBatch([Int32Array.from(row.input_ids)]))[0], row.id).toBe(r.text);
      blocks += expected.length;
    }
    expect(blocks).toBeGreaterThan(conversations.size); // multi-turn conversations give several blocks
  });
});

describe('without generation blocks the strict check stays', () => {
  it('a prompt ending after the reply starts is a failure, and template text before a reply is a counted gap', () => {
    const turns: Turn[] = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ];
    const text = 'U: Hi\nA: Hello</s>';
    const r = { text, content: [], trained: [{ start: text.indexOf('Hello'), end: text.length, turn: 1, role: 'assistant' as const, weight: 1 }] };
    const past = () => 'U: Hi\nA: He';
    expect(checkPromptPrefix(past, turns, r).failure).toMatch(/ends at 11, after the reply starts \(9\)/);
    const short = () => 'U: Hi\n';
    expect(checkPromptPrefix(short, turns, r)).toEqual({ gaps: 1 });
    expect(checkPromptPrefix(short, turns, r, { generationBlocks: true })).toEqual({ gaps: 0 });
  });
});
