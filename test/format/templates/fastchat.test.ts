// Built-in FastChat-style templates against FastChat's own renders (42 vectors) and against the
// Jinja versions (chujiezheng/chat_templates as transformers renders them), with every
// difference between the two spelled out.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../../src/core/types.js';
import { getTemplate } from '../../../src/format/templates/index.js';
import { checkInvariants, checkPrefixes, fastChatTurns, vector, type FastChatCase } from './helpers.js';

const fastchat = vector<{ cases: FastChatCase[] }>('fastchat_conversation_template_vectors.json');

/** FastChat template name → our template and the default system text FastChat uses for it. */
const MAP: Record<string, { name: string; systemPrompt?: string }> = {
  'vicuna_v1.1': { name: 'vicuna_v1.1' },
  'llama-2': { name: 'llama-2' },
  zephyr: { name: 'zephyr' },
  // FastChat's dolphin template is ChatML with its own default system message.
  'dolphin-2.2.1-mistral-7b': { name: 'chatml', systemPrompt: 'You are Dolphin, a helpful AI assistant.' },
  'qwen-7b-chat': { name: 'qwen' },
  mistral: { name: 'mistral' },
  one_shot: { name: 'one_shot' },
};

describe('FastChat conversation.py vectors (byte-exact)', () => {
  it('covers all 42 cases', () => expect(fastchat.cases).toHaveLength(42));
  for (const c of fastchat.cases) {
    const sys = c.system_message_override === null ? 'default system' : 'system override';
    it(`${c.template} / ${c.conversation} / ${sys}`, () => {
      const m = MAP[c.template]!;
      // FastChat's prompt string has no BOS: its tokenizer adds it.
      const t = getTemplate(m.name, { addBos: false, systemPrompt: m.systemPrompt });
      const { turns, addGenerationPrompt } = fastChatTurns(c);
      const r = t.render(turns, { addGenerationPrompt });
      expect(r.text).toBe(c.prompt);
      checkInvariants(t, turns, r);
      if (!addGenerationPrompt) checkPrefixes(t, turns, r);
    });
  }
});

describe('trained spans: reply plus end-of-turn marker', () => {
  const turns: Turn[] = [
    { role: 'user', content: 'Hello!' },
    { role: 'assistant', content: 'Hi.' },
    { role: 'user', content: 'Bye?' },
    { role: 'assistant', content: 'Bye.', weight: 0 },
  ];
  const trainedText = (name: string) => {
    const r = getTemplate(name).render(turns);
    return r.trained.map((s) => [r.text.slice(s.start, s.end), s.weight]);
  };
  it('vicuna: {a}</s>', () =>
    expect(trainedText('vicuna_v1.1')).toEqual([
      ['Hi.</s>', 1],
      ['Bye.</s>', 0],
    ]));
  it('llama-2: "{a} </s>", not the next turn\'s <s>', () =>
    expect(trainedText('llama-2')).toEqual([
      ['Hi. </s>', 1],
      ['Bye. </s>', 0],
    ]));
  it('mistral: {a}</s>', () =>
    expect(trainedText('mistral')).toEqual([
      ['Hi.</s>', 1],
      ['Bye.</s>', 0],
    ]));
  it('zephyr: {a}</s> without the newline', () =>
    expect(trainedText('zephyr')).toEqual([
      ['Hi.</s>', 1],
      ['Bye.</s>', 0],
    ]));
  it('chatml: {a}<|im_end|> without the newline', () =>
    expect(trainedText('chatml')).toEqual([
      ['Hi.<|im_end|>', 1],
      ['Bye.<|im_end|>', 0],
    ]));
  it('one_shot: {a}\\n### (the stop string), not the space', () =>
    expect(trainedText('one_shot')).toEqual([
      ['Hi.\n###', 1],
      ['Bye.\n###', 0],
    ]));
});

describe('BOS and role order', () => {
  const turns: Turn[] = [
    { role: 'user', content: 'Hello!' },
    { role: 'assistant', content: 'Hi.' },
  ];
  it('puts BOS first by default for Llama/Mistral templates (FastChat leaves it to the tokenizer)', () => {
    expect(getTemplate('vicuna_v1.1').render(turns).text.startsWith('<s>A chat between')).toBe(true);
    expect(getTemplate('llama-2').render(turns).text).toBe('<s>[INST] Hello! [/INST] Hi. </s><s>');
    expect(getTemplate('chatml').render(turns).text.startsWith('<|im_start|>user')).toBe(true);
    expect(getTemplate('chatml', { bosToken: '<s>', addBos: true }).render(turns).text.startsWith('<s><|im_start|>user')).toBe(true);
  });
  it('refuses conversations whose roles do not alternate where the format depends on position', () => {
    const bad: Turn[] = [
      { role: 'assistant', content: 'Hi.' },
      { role: 'user', content: 'Hello!' },
    ];
    for (const name of ['vicuna_v1.1', 'llama-2', 'mistral', 'one_shot', 'ultralm']) {
      expect(() => getTemplate(name).render(bad), name).toThrowError(expect.objectContaining({ reason: 'wrong_alternation' }));
    }
  });
  it('refuses a system turn that is not first', () => {
    const bad: Turn[] = [...turns, { role: 'system', content: 'late' }];
    expect(() => getTemplate('vicuna_v1.1').render(bad)).toThrowError(expect.objectContaining({ reason: 'system_not_first' }));
  });
});

interface JinjaCase {
  template_file: string;
  messages_name: string;
  messages: Turn[];
  add_generation_prompt: boolean;
  rendered: string;
}

describe('FastChat built-ins vs the Jinja versions (chujiezheng, as transformers renders them)', () => {
  const cases = vector<{ cases: JinjaCase[] }>('chat_templates_chujiezheng_rendered.json').cases;
  const find = (file: string, name: string, gen: boolean) => cases.find((c) => c.template_file.endsWith(file) && c.messages_name === name && c.add_generation_prompt === gen)!;
  const render = (name: string, c: JinjaCase, opts = {}) => getTemplate(name, opts).render(c.messages, { addGenerationPrompt: c.add_generation_prompt }).text;

  it('vicuna: FastChat joins with spaces and no newlines; the Jinja version uses "\\n\\n" after the system and "\\n" after turns', () => {
    const c = find('vicuna.jinja', 'readme_example', true);
    expect(render('vicuna_v1.1', c)).toBe(
      '<s>This is a system prompt. USER: This is the first user input. ASSISTANT: This is the first assistant response.</s>' + 'USER: This is the second user input. ASSISTANT:',
    );
    expect(c.rendered).toBe(
      '<s>This is a system prompt.\n\nUSER: This is the first user input.\nASSISTANT: This is the first assistant response.</s>\n' + 'USER: This is the second user input.\nASSISTANT:',
    );
  });
  it('llama-2: same prompt; FastChat ends each reply with " </s><s>" and writes " [/INST]" only when a reply follows', () => {
    for (const name of ['readme_example', 'no_system']) {
      // With the generation prompt both give "<s>[INST] ... [/INST] a </s><s>[INST] u [/INST]".
      const gen = find('llama-2-chat.jinja', name, true);
      expect(render('llama-2', gen)).toBe(gen.rendered);
      // Without it the Jinja version still closes the last user turn with " [/INST]"; FastChat
      // leaves "[INST] u " open (the tag belongs to the reply that follows).
      const plain = find('llama-2-chat.jinja', name, false);
      expect(plain.rendered.endsWith(' [/INST]')).toBe(true);
      expect(render('llama-2', plain)).toBe(plain.rendered.slice(0, -'[/INST]'.length));
      // After a reply FastChat adds the next turn's BOS at once: " </s><s>" closes every reply.
      const withReply = [...plain.messages, { role: 'assistant' as const, content: 'Answer.' }];
      expect(getTemplate('llama-2').render(withReply).text).toBe(plain.rendered + ' Answer. </s><s>');
    }
  });
  it('zephyr: identical with a system turn; without one FastChat writes an empty "<|system|>\\n</s>\\n" block', () => {
    const withSystem = find('zephyr.jinja', 'readme_example', true);
    expect(render('zephyr', withSystem, { addBos: false })).toBe(withSystem.rendered);
    const noSystem = find('zephyr.jinja', 'no_system', true);
    expect(render('zephyr', noSystem, { addBos: false })).toBe('<|system|>\n</s>\n' + noSystem.rendered);
  });
  it("chatml: identical once the Jinja version's leading bos_token is asked for", () => {
    for (const name of ['readme_example', 'no_system']) {
      for (const gen of [true, false]) {
        const c = find('chatml.jinja', name, gen);
        expect(render('chatml', c, { bosToken: '<s>', addBos: true })).toBe(c.rendered);
        expect(c.rendered.startsWith('<s>')).toBe(true);
        expect(render('chatml', c)).toBe(c.rendered.slice('<s>'.length));
      }
    }
  });
});
