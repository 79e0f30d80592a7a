// The `hf` template: choosing the template, context, generation-block spans, and the typed errors
// that let the caller quarantine a sample whose spans cannot be exact.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../../src/core/types.js';
import {
  getTemplate,
  type HfChatTemplate,
  listTemplates,
  selectChatTemplate,
  TemplateConfigError,
  TemplateError,
  TemplateSpanError,
  templateOptionsFromTokenizerConfig,
} from '../../../src/format/templates/index.js';
import { checkInvariants, vector } from './helpers.js';

const conv: Turn[] = [
  { role: 'system', content: 'Be nice.' },
  { role: 'user', content: 'Hi <|im_end|> there' },
  { role: 'assistant', content: 'Hello </s>!', weight: 0.5 },
  { role: 'user', content: '你好 👋' },
  { role: 'assistant', content: '```js\nx()\n```' },
];
const CHATML = "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

describe('registry', () => {
  it('lists the built-ins and hf', () => {
    expect(listTemplates()).toEqual(['chatml', 'hf', 'llama-2', 'llama-3', 'mistral', 'one_shot', 'openchat', 'openchat_3.5', 'qwen', 'tulu', 'ultralm', 'vicuna_v1.1', 'zephyr']);
  });
  it('refuses unknown names and hf without a template', () => {
    expect(() => getTemplate('alpaca')).toThrowError(TemplateConfigError);
    expect(() => getTemplate('hf')).toThrowError(/opts.chatTemplate/);
    expect(() => getTemplate('hf', { chatTemplate: '{% for %}' })).toThrowError(TemplateConfigError);
  });
});

describe('named templates (chat_template as a list)', () => {
  const list = [
    { name: 'default', template: 'D{{ messages | length }}' },
    { name: 'tool_use', template: 'T{{ tools | length }}' },
  ];
  it('picks like transformers: explicit name, tool_use when tools are given, else default', () => {
    expect(selectChatTemplate(list).name).toBe('default');
    expect(selectChatTemplate(list, { hasTools: true }).name).toBe('tool_use');
    expect(selectChatTemplate(list, { templateName: 'tool_use' }).name).toBe('tool_use');
    expect(() => selectChatTemplate(list, { templateName: 'rag' })).toThrowError(/has no template named "rag"/);
    expect(selectChatTemplate('X').source).toBe('X');
  });
  it('renders the chosen one with extra context', () => {
    const t = getTemplate('hf', { chatTemplate: list, extraContext: { tools: [{ name: 'a' }, { name: 'b' }] } });
    expect(t.name).toBe('hf:tool_use');
    expect((t as HfChatTemplate).renderText([{ role: 'user', content: 'x' }])).toBe('T2');
  });
});

describe('tokenizer_config.json', () => {
  it('takes chat_template and special tokens (AddedToken dicts and nulls included)', () => {
    const opts = templateOptionsFromTokenizerConfig({
      chat_template: '{{ bos_token }}|{{ eos_token }}|{{ unk_token }}|{{ pad_token is defined }}',
      bos_token: { content: '<s>', lstrip: false, __type: 'AddedToken' },
      eos_token: '</s>',
      unk_token: '<unk>',
      pad_token: null,
      additional_special_tokens: ['<|end_of_turn|>'],
    });
    const t = getTemplate('hf', opts);
    expect((t as HfChatTemplate).renderText([])).toBe('<s>|</s>|<unk>|false');
    expect(t.specialTokens).toEqual(['<s>', '</s>', '<unk>', '<|end_of_turn|>']);
    // bosToken/eosToken options override the file's
    expect((getTemplate('hf', { ...opts, eosToken: '<|eot|>' }) as HfChatTemplate).renderText([])).toBe('<s>|<|eot|>|<unk>|false');
  });
});

describe('derived spans', () => {
  it('hold special-token strings, CJK, emoji and code inside content', () => {
    const t = getTemplate('hf', { chatTemplate: CHATML });
    const r = t.render(conv);
    checkInvariants(t, conv, r);
    expect(r.trained.map((s) => [r.text.slice(s.start, s.end), s.weight])).toEqual([
      ['Hello </s>!<|im_end|>', 0.5],
      ['```js\nx()\n```<|im_end|>', 1],
    ]);
  });
  it('a systemPrompt option becomes a system message that is template text (no span)', () => {
    const t = getTemplate('hf', { chatTemplate: CHATML, systemPrompt: 'Default.' });
    const r = t.render(conv.slice(1, 3));
    expect(r.text.startsWith('<|im_start|>system\nDefault.<|im_end|>\n<|im_start|>user\n')).toBe(true);
    expect(r.content.map((s) => s.turn)).toEqual([0, 1]);
  });
  it('with add_generation_prompt the prompt header is not trained', () => {
    const t = getTemplate('hf', { chatTemplate: CHATML });
    const r = t.render(conv.slice(0, 3), { addGenerationPrompt: true });
    expect(r.text.endsWith('Hello </s>!<|im_end|>\n<|im_start|>assistant\n')).toBe(true);
    expect(r.text.slice(r.trained[0]!.start, r.trained[0]!.end)).toBe('Hello </s>!<|im_end|>');
  });
  it('cut back to the end token when the template adds end-of-conversation text', () => {
    // The last message gets an extra "<|endoftext|>" after its "<|im_end|>\n": the text after a
    // reply then differs between "cut here" and "go on" only after "<|im_end|>\n<|".
    const src = "{% for m in messages %}{{'<|im_start|>' + m.role + '\n' + m.content + '<|im_end|>\n'}}{% if loop.last %}{{ '<|endoftext|>' }}{% endif %}{% endfor %}";
    const t = getTemplate('hf', { chatTemplate: src, specialTokensMap: { eos_token: '<|im_end|>' } });
    const r = t.render(conv.slice(1, 4));
    expect(r.text.slice(r.trained[0]!.start, r.trained[0]!.end)).toBe('Hello </s>!<|im_end|>');
  });
});

describe('refusals (typed errors the caller quarantines on)', () => {
  const expectReason = (fn: () => unknown, reason: string) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).reason).toBe(reason);
      return;
    }
    throw new Error(`expected a TemplateError ${reason}`);
  };
  it('content the template transforms (upper-cased)', () => {
    const t = getTemplate('hf', { chatTemplate: '{% for m in messages %}{{ m.content | upper }}{% endfor %}' });
    expectReason(() => t.render(conv), 'template_span_mismatch');
    // ...but not when the transform changes nothing
    const ok = t.render([
      { role: 'user', content: 'ABC' },
      { role: 'assistant', content: '123' },
    ]);
    expect(ok.content.map((s) => ok.text.slice(s.start, s.end))).toEqual(['ABC', '123']);
  });
  it('content rendered twice or not at all', () => {
    const twice = getTemplate('hf', { chatTemplate: '{% for m in messages %}{{ m.content }}{{ m.content }}{% endfor %}' });
    expect(() => twice.render(conv)).toThrowError(/rendered 2 times/);
    const dropsSystem = getTemplate('hf', { chatTemplate: "{% for m in messages %}{% if m.role != 'system' %}{{ m.content }}{% endif %}{% endfor %}" });
    expect(() => dropsSystem.render(conv)).toThrowError(/rendered 0 times/);
  });
  it('raise_exception in the template', () => {
    const c = vector('huggingface.js_jinja_e2e_chat_template_vectors.json').custom_templates['mistralai/Mixtral-8x7B-Instruct-v0.1'];
    const t = getTemplate('hf', { chatTemplate: c.chat_template, bosToken: '<s>', eosToken: '</s>' });
    expectReason(() => t.render([{ role: 'assistant', content: 'first' }]), 'template_render_error');
  });
  it('content holding the reserved noncharacters', () => {
    const t = getTemplate('hf', { chatTemplate: CHATML });
    expectReason(() => t.render([{ role: 'user', content: 'a\uFDD2b' }]), 'reserved_characters');
  });
  it('a template whose content branch depends on the content (spans refused, not guessed)', () => {
    const t = getTemplate('hf', { chatTemplate: "{% for m in messages %}{% if 'secret' in m.content %}[redacted]{% else %}{{ m.content }}{% endif %}{% endfor %}" });
    expect(() => t.render([{ role: 'user', content: 'my secret' }])).toThrowError(TemplateSpanError);
  });
});

describe('{% generation %} blocks give the trained spans', () => {
  const c = vector('huggingface.js_jinja_e2e_chat_template_vectors.json').custom_templates['HuggingFaceTB/SmolLM3-3B'];
  it('SmolLM3: each block (header, reply, <|im_end|>\\n) is one trained span owned by its reply', () => {
    const t = getTemplate('hf', { chatTemplate: c.chat_template, now: new Date(2025, 6, 10) });
    expect(t.generationBlocks).toBe(true);
    expect(getTemplate('hf', { chatTemplate: CHATML }).generationBlocks).toBe(false);
    const r = t.render(conv);
    checkInvariants(t, conv, r, { generationBlocks: true });
    expect(r.trained.map((s) => [r.text.slice(s.start, s.end), s.turn, s.weight])).toEqual([
      ['<|im_start|>assistant\nHello </s>!<|im_end|>\n', 2, 0.5],
      ['<|im_start|>assistant\n```js\nx()\n```<|im_end|>\n', 4, 1],
    ]);
  });
  it('a block holding two replies is refused', () => {
    const src = '{% generation %}{% for m in messages %}{{ m.content }}|{% endfor %}{% endgeneration %}';
    expect(() => getTemplate('hf', { chatTemplate: src }).render(conv)).toThrowError(/holds 2 assistant contents/);
  });
});
