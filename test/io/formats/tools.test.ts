/** Tool-calling ShareGPT (LLaMA-Factory's glaive_toolcall demo) and OpenAI tool messages. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertRecord, detectFormat } from '../../../src/io/formats/index.js';
import { sharedData } from '../../helpers/paths.js';
import { convert } from './helpers.js';

const GLAIVE = sharedData('public/LLaMA-Factory_glaive_toolcall_en_demo.json');

describe('tool-calling ShareGPT', () => {
  it('reads all 300 glaive records: function_call → assistant tool_calls, observation → tool, tools as function specs', async () => {
    const raws = JSON.parse(readFileSync(GLAIVE, 'utf8')) as { conversations: { from: string; value: string }[]; tools: string }[];
    const { convs, rejects } = await convert([GLAIVE], 'sharegpt');
    expect(rejects).toEqual([]);
    expect(convs).toHaveLength(300);
    const calls = convs.flatMap((c) => c.turns.filter((t) => t.tool_calls));
    const tools = convs.flatMap((c) => c.turns.filter((t) => t.role === 'tool'));
    expect(calls).toHaveLength(raws.flatMap((r) => r.conversations.filter((m) => m.from === 'function_call')).length);
    expect(tools).toHaveLength(211);
    const c = convs[0]!;
    expect(c.turns[3]).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ type: 'function', function: { name: 'search_recipes', arguments: { ingredients: ['chicken', 'bell peppers', 'rice'] } } }],
    });
    expect(c.turns[4]).toMatchObject({ role: 'tool', name: 'search_recipes', content: raws[0]!.conversations[4]!.value });
    expect(c.tools).toEqual((JSON.parse(raws[0]!.tools) as unknown[]).map((f) => ({ type: 'function', function: f })));
    expect(convs.every((c) => c.turns.every((t) => ['user', 'assistant', 'tool', 'system'].includes(t.role)))).toBe(true);
    expect(detectFormat(raws[0])).toBe('sharegpt_tools');
  });

  it('a function_call that is not JSON is a malformed reject naming the turn', () => {
    const [r] = convertRecord(
      {
        conversations: [
          { from: 'human', value: 'x' },
          { from: 'function_call', value: 'not json' },
        ],
        tools: '[]',
      },
      'sharegpt',
      { file: 'f.json', index: 3 },
    );
    expect(r).toMatchObject({ reason: 'malformed', detail: 'conversations[1] (function_call) is not JSON {"name", "arguments"} (or a list of them)' });
  });

  it('OpenAI messages with tool_calls and tool roles keep them', () => {
    const rec = {
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', name: 'get_weather', content: '{"temp": 20}' },
        { role: 'assistant', content: 'It is 20 degrees.' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    };
    const [c] = convertRecord(rec, 'openai', { file: 'f.jsonl', line: 1 });
    expect(c).toMatchObject({
      turns: [
        { role: 'user' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', name: 'get_weather' },
        { role: 'assistant', content: 'It is 20 degrees.' },
      ],
      tools: rec.tools,
    });
  });
});
