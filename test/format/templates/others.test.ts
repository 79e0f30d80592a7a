// tulu, ultralm and llama-3 against what their reference code builds.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../../src/core/types.js';
import { ChatTemplateProgram, getTemplate } from '../../../src/format/templates/index.js';
import { checkInvariants, checkPrefixes } from './helpers.js';

const padded: Turn[] = [
  { role: 'system', content: '  Be brief. ' },
  { role: 'user', content: 'Hi\n' },
  { role: 'assistant', content: ' Hello! ' },
  { role: 'user', content: 'Bye' },
  { role: 'assistant', content: 'Bye.\n\n' },
];

describe('tulu (open-instruct encode_with_messages_format)', () => {
  const t = getTemplate('tulu');
  it('strips each content, ends replies with eos, strips the whole text', () => {
    // _concat_messages(messages).strip(), every content .strip()ped; BOS from the Llama tokenizer.
    const r = t.render(padded);
    expect(r.text).toBe('<s><|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\nHello!</s>\n<|user|>\nBye\n<|assistant|>\nBye.</s>');
    expect(r.trained.map((s) => r.text.slice(s.start, s.end))).toEqual(['Hello!</s>', 'Bye.</s>']);
    checkInvariants(t, padded, r);
    checkPrefixes(t, padded, r);
  });
  it('generation prompt is the eval form: text + "<|assistant|>\\n"', () => {
    expect(t.render(padded.slice(0, 2), { addGenerationPrompt: true }).text).toBe('<s><|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\n');
  });
});

describe('ultralm (UltraChat UltraLM/13b/data_utils.py)', () => {
  const t = getTemplate('ultralm');
  const conv = padded.slice(1);
  it('"{bos}User: {u}{eos}" then "\\n"-led turns, no trailing newline', () => {
    const r = t.render(conv);
    expect(r.text).toBe('<s>User: Hi\n</s>\nAssistant:  Hello! </s>\nUser: Bye</s>\nAssistant: Bye.\n\n</s>');
    expect(r.trained.map((s) => r.text.slice(s.start, s.end))).toEqual([' Hello! </s>', 'Bye.\n\n</s>']);
    checkInvariants(t, conv, r);
    checkPrefixes(t, conv, r);
  });
  it('matches the README template "User: user input</s>\\nAssistant: LLM output</s>"', () => {
    const r = t.render([
      { role: 'user', content: 'user input' },
      { role: 'assistant', content: 'LLM output' },
    ]);
    expect(r.text).toBe('<s>User: user input</s>\nAssistant: LLM output</s>');
  });
  it('writes a system prompt as inference_cli.py does: a first "User: {s}</s>" line', () => {
    const r = t.render(padded.slice(0, 2), { addGenerationPrompt: true });
    expect(r.text).toBe('<s>User:   Be brief. </s>\nUser: Hi\n</s>\nAssistant: ');
    expect(r.trained).toEqual([]);
  });
});

describe('llama-3 (Meta format)', () => {
  const t = getTemplate('llama-3');
  it("renders Meta's documented prompt format", () => {
    // Meta Llama 3 model card, "Prompt format" (system + user + open assistant header).
    const conv: Turn[] = [
      { role: 'system', content: 'You are a helpful AI assistant for travel tips and recommendations' },
      { role: 'user', content: 'What can you help me with?' },
    ];
    expect(t.render(conv, { addGenerationPrompt: true }).text).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful AI assistant for travel tips and recommendations<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat can you help me with?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });
  it("equals Meta-Llama-3-8B-Instruct's chat_template, which trims content like Meta's encoder", () => {
    // tokenizer_config.json chat_template of meta-llama/Meta-Llama-3-8B-Instruct.
    const src =
      "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
    const p = new ChatTemplateProgram(src);
    for (const gen of [false, true]) {
      const want = p.render({ messages: padded, bos_token: '<|begin_of_text|>', add_generation_prompt: gen }).text;
      expect(t.render(padded, { addGenerationPrompt: gen }).text).toBe(want);
    }
    const r = t.render(padded);
    expect(r.trained.map((s) => r.text.slice(s.start, s.end))).toEqual(['Hello!<|eot_id|>', 'Bye.<|eot_id|>']);
    checkInvariants(t, padded, r);
    checkPrefixes(t, padded, r);
  });
});
