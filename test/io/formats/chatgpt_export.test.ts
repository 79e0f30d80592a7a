/** ChatGPT's data export: current_node up to the root, text only; every branch on request. */
import { describe, expect, it } from 'vitest';
import { convert, messagesOf, raw } from './helpers.js';

const FILE = raw('chatgpt_export/conversations.json');

describe('chatgpt_export', () => {
  it('follows current_node to the root and keeps user/assistant text only', async () => {
    const { convs, rejects } = await convert([FILE], 'chatgpt_export');
    expect(convs.map((c) => c.id)).toEqual(['conv-1', 'conv-2']);
    expect(messagesOf(convs[0]!)).toEqual([
      { role: 'user', content: 'What is 2**10 in Python?' },
      { role: 'assistant', content: 'It is 1024.' },
      { role: 'user', content: 'And this picture?' },
    ]);
    expect(convs[0]!.model).toBe('gpt-4o');
    // The edited branch (b1 → b3 → b4) is the one the UI shows, not the first child.
    expect(messagesOf(convs[1]!)).toEqual([
      { role: 'user', content: 'Write a poem about dogs.' },
      { role: 'assistant', content: 'Dogs bark at night.' },
      { role: 'user', content: 'Shorter, please.' },
    ]);
    expect(rejects.map((r) => [r.id, r.reason])).toEqual([['conv-3', 'empty_conversation']]);
  });

  it('branches: all emits every leaf path, marking the current one', async () => {
    const { convs } = await convert([FILE], 'chatgpt_export', { branches: 'all' });
    const two = convs.filter((c) => c.id.startsWith('conv-2:'));
    expect(two.map((c) => c.id)).toEqual(['conv-2:a2', 'conv-2:b2', 'conv-2:b4']);
    expect(two.map((c) => c.turns.map((t) => t.content).join(' | '))).toEqual([
      'Write a poem about cats. | Cats sleep all day.',
      'Write a poem about dogs. | Dogs run.',
      'Write a poem about dogs. | Dogs bark at night. | Shorter, please.',
    ]);
    expect(two.map((c) => c.meta?.current)).toEqual([false, false, true]);
  });

  it('is detected from the data', async () => {
    const { convs } = await convert([FILE], 'auto');
    expect(convs.map((c) => c.id)).toEqual(['conv-1', 'conv-2']);
  });
});
