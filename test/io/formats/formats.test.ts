/** The format table: names, aliases, detection, and the awkward records each converter rejects. */
import { describe, expect, it } from 'vitest';
import { convertRecord, detectFormat, formatNames, lookupFormat, needsWholeFile, resolveFormat } from '../../../src/io/formats/index.js';

const at = { file: 'in.jsonl', line: 3 };
const one = (v: unknown, f: string, o = {}) => convertRecord(v, f, at, o);

describe('names and aliases', () => {
  it("today's names keep working as aliases of snake_case names", () => {
    expect(['sharegpt', 'sharegpt-jsonl', 'ultrachat', 'openai', 'sharegpt-pages'].map(resolveFormat)).toEqual(['sharegpt', 'sharegpt', 'ultrachat', 'openai', 'sharegpt_pages']);
    expect(['gpt4_alpaca', 'code_alpaca', 'oasst1', 'flan_v2', 'unnatural_instructions', 'OpenOrca'].map(resolveFormat)).toEqual(['alpaca', 'alpaca', 'oasst', 'flan', 'unnatural', 'open_orca']);
    expect(formatNames().every((n) => /^[a-z][a-z0-9_]*$/.test(n))).toBe(true);
    expect(() => resolveFormat('alpacca')).toThrow(/unknown input format "alpacca"/);
    expect(lookupFormat('auto')).toBeUndefined();
  });

  it('detects each shape it can tell apart', () => {
    const cases: [unknown, string | undefined][] = [
      [{ instruction: 'a', input: '', output: 'b' }, 'alpaca'],
      [{ instruction: 'a', context: '', response: 'b', category: 'x' }, 'dolly'],
      [{ instruction: 'a', instances: [] }, 'unnatural'],
      [{ Definition: ['d'], Instances: [] }, 'super_ni'],
      [{ inputs: 'a', targets: 'b' }, 'flan'],
      [{ topic: 't', input: '[|Human|] hi [|AI|] yo' }, 'baize'],
      [{ conversations: ['a', 'b'] }, 'lima'],
      [{ idx: 'w', conversations: [{ from: 'human', value: 'a' }] }, 'wizardlm'],
      [{ id: 'x', conversations: [{ from: 'human', value: 'a' }] }, 'sharegpt'],
      [{ conversations: [{ from: 'function_call', value: '{}' }] }, 'sharegpt_tools'],
      [{ messages: [] }, 'openai'],
      [{ id: '0', data: ['a', 'b'] }, 'ultrachat'],
      [{ id: 'x', system_prompt: '', question: 'q', response: 'r' }, 'open_orca'],
      [{ message_tree_id: 't', prompt: { text: 'x' } }, 'oasst'],
      [{ message_id: 'm', parent_id: null, role: 'prompter', text: 'x' }, 'oasst'],
      [{ prompt: 'p', completion: 'c' }, 'prompt_completion'],
      [{ title: 't', mapping: {}, current_node: 'x' }, 'chatgpt_export'],
      [{ foo: 1 }, undefined],
      ['a string', undefined],
    ];
    expect(cases.map(([v]) => detectFormat(v))).toEqual(cases.map(([, f]) => f));
    expect(needsWholeFile('auto', { message_id: 'm', parent_id: null, role: 'prompter', text: 'x' })).toBe(true);
    expect(needsWholeFile('oasst', { message_tree_id: 't', prompt: {} })).toBe(false);
  });

  it('auto with an unknown shape is a wrong_format reject naming the keys', () => {
    expect(one({ foo: 1, bar: 2 }, 'auto')).toMatchObject([{ reason: 'wrong_format', detail: expect.stringContaining('keys: foo, bar') }]);
  });
});

describe('awkward records', () => {
  it('alpaca: empty or missing input gives the no-input prompt; a non-string output is malformed', () => {
    expect(one({ instruction: ' Do it ', input: '', output: ' ok ' }, 'alpaca')).toMatchObject([
      {
        turns: [
          { role: 'user', content: 'Do it\n\n' },
          { role: 'assistant', content: 'ok' },
        ],
      },
    ]);
    expect(one({ instruction: 'Do it', output: 'ok' }, 'alpaca')).toMatchObject([{ turns: [{ content: 'Do it\n\n' }, { content: 'ok' }] }]);
    expect(one({ instruction: 'Do it', input: null, output: 'ok' }, 'alpaca')).toMatchObject([{ turns: [{ content: 'Do it\n\n' }, { content: 'ok' }] }]);
    expect(one({ instruction: 'Do it', input: 'x', output: 4 }, 'alpaca')).toMatchObject([{ reason: 'malformed', detail: '`output` is number, not a string (alpaca form: instruction/input/output)' }]);
  });

  it('lima: a single string or a non-string element is rejected, not emitted empty', () => {
    expect(one({ conversations: ['only a question'] }, 'lima')).toMatchObject([{ reason: 'empty_conversation' }]);
    expect(one({ conversations: ['q', null] }, 'lima')).toMatchObject([{ reason: 'malformed', detail: 'conversations[1] is null, not a string (lima: a list of strings)' }]);
    expect(one({ conversations: [] }, 'lima')).toMatchObject([{ reason: 'empty_conversation' }]);
  });

  it('wizardlm: out-of-order roles are wrong_alternation (open-instruct asserts)', () => {
    expect(
      one(
        {
          idx: 'w9',
          conversations: [
            { from: 'gpt', value: 'a' },
            { from: 'human', value: 'b' },
          ],
        },
        'wizardlm',
      ),
    ).toMatchObject([{ reason: 'wrong_alternation', id: 'w9' }]);
    expect(one({ idx: 'w9', conversations: [{ from: 'human', value: 'a' }] }, 'wizardlm')).toMatchObject([{ reason: 'wrong_alternation' }]);
  });

  it('baize: two [|AI|] in one round is malformed (open-instruct raises)', () => {
    expect(one({ input: '[|Human|] a [|AI|] b [|AI|] c' }, 'baize')).toMatchObject([{ reason: 'malformed' }]);
  });

  it('unnatural: a bad instance is rejected alone, its siblings kept', () => {
    const out = one(
      {
        instruction: 'Do',
        instances: [
          { input: 'x', constraints: 'None', output: 'y' },
          { input: 'x', output: 5 },
        ],
      },
      'unnatural',
    );
    expect(out).toMatchObject([
      { id: 'in.jsonl:3:0', turns: [{ content: 'Do\n\nx\n\n' }, { content: 'y' }] },
      { reason: 'malformed', id: 'in.jsonl:3:1' },
    ]);
  });

  it('flan: the newline rule (no newline after a trailing colon, even before spaces)', () => {
    const p = (inputs: string) => (one({ inputs, targets: 't' }, 'flan')[0] as { turns: { content: string }[] }).turns[0]!.content;
    expect([p('Q'), p('Q\n'), p('Q:'), p('Q:  '), p('Q: x')]).toEqual(['Q\n', 'Q\n', 'Q:', 'Q:  ', 'Q: x\n']);
  });

  it('prompt_completion and science keep both sides verbatim', () => {
    expect(one({ prompt: 'Company: X\n\n###\n\n', completion: ' positive END' }, 'prompt_completion')).toMatchObject([
      {
        turns: [
          { role: 'user', content: 'Company: X\n\n###\n\n' },
          { role: 'assistant', content: ' positive END' },
        ],
      },
    ]);
    expect(one({ dataset: 'scifact', input: ' claim ', output: 'SUPPORTS ' }, 'science')).toMatchObject([
      { turns: [{ content: ' claim ' }, { content: 'SUPPORTS ' }], meta: { science_dataset: 'science.scifact' } },
    ]);
  });

  it('open_orca: an empty system prompt is kept as an empty system turn', () => {
    expect(one({ id: 'a', system_prompt: '', question: 'q', response: 'r' }, 'open_orca')).toMatchObject([
      { id: 'a', turns: [{ role: 'system', content: '' }, { role: 'user' }, { role: 'assistant' }] },
    ]);
  });

  it('sets `dataset` when asked', () => {
    expect(one({ prompt: 'p', completion: 'c' }, 'prompt_completion', { dataset: 'legacy' })).toMatchObject([{ dataset: 'legacy' }]);
    expect(one({ conversations: [{ from: 'human', value: 'a' }] }, 'sharegpt', { dataset: 'sg' })).toMatchObject([{ dataset: 'sg' }]);
  });
});
