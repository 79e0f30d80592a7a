// OpenChat templates against OpenChat's own documentation and code.
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../../src/core/types.js';
import { getTemplate } from '../../../src/format/templates/index.js';
import { checkInvariants, checkPrefixes, vector } from './helpers.js';

const turns: Turn[] = [
  { role: 'user', content: 'Hello' },
  { role: 'assistant', content: 'Hi' },
  { role: 'user', content: 'How are you today?' },
];

describe('openchat_3.5', () => {
  const t = getTemplate('openchat_3.5');

  it('renders the README multi-turn example', () => {
    // imoneoi/openchat README, "Conversation templates" (and the openchat_3.5 model card):
    //   tokenizer("GPT4 Correct User: Hello<|end_of_turn|>GPT4 Correct Assistant: Hi<|end_of_turn|>
    //              GPT4 Correct User: How are you today?<|end_of_turn|>GPT4 Correct Assistant:")
    // whose ids start with 1 = the BOS the tokenizer adds, written here as "<s>".
    expect(t.render(turns, { addGenerationPrompt: true }).text).toBe(
      '<s>GPT4 Correct User: Hello<|end_of_turn|>GPT4 Correct Assistant: Hi<|end_of_turn|>' + 'GPT4 Correct User: How are you today?<|end_of_turn|>GPT4 Correct Assistant:',
    );
  });

  it('selects other conditions (README: Math Correct, Code)', () => {
    const q: Turn[] = [{ role: 'user', content: '10.3 − 7988.8133=' }];
    expect(getTemplate('openchat_3.5', { condition: 'Math Correct', addBos: false }).render(q, { addGenerationPrompt: true }).text).toBe(
      'Math Correct User: 10.3 − 7988.8133=<|end_of_turn|>Math Correct Assistant:',
    );
    const code: Turn[] = [{ role: 'user', content: 'Implement quicksort using C++' }];
    expect(getTemplate('openchat_3.5', { condition: 'Code' }).render(code, { addGenerationPrompt: true }).text).toBe('<s>Code User: Implement quicksort using C++<|end_of_turn|>Code Assistant:');
  });

  it('puts the system prompt right after BOS as "{system}<|end_of_turn|>" (ochat conversation_template.py)', () => {
    // ochat/config/conversation_template.py: bos, then `if conv.system: tokens += system + eot`,
    // no role prefix. llama.cpp's test-chat-template.cpp expects the same string for
    // openchat/openchat-3.5-0106 ("the suggested version").
    const conv: Turn[] = [
      { role: 'system', content: 'You are a helpful assistant' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi there' },
      { role: 'user', content: 'Who are you' },
      { role: 'assistant', content: '   I am an assistant   ' },
      { role: 'user', content: 'Another question' },
    ];
    expect(getTemplate('openchat_3.5', { addBos: false }).render(conv, { addGenerationPrompt: true }).text).toBe(
      'You are a helpful assistant<|end_of_turn|>GPT4 Correct User: Hello<|end_of_turn|>GPT4 Correct Assistant: Hi there<|end_of_turn|>' +
        'GPT4 Correct User: Who are you<|end_of_turn|>GPT4 Correct Assistant:    I am an assistant   <|end_of_turn|>' +
        'GPT4 Correct User: Another question<|end_of_turn|>GPT4 Correct Assistant:',
    );
  });

  it("equals the model's own chat_template (openchat-3.5-0106, e2e vector) when there is no system", () => {
    const c = vector('huggingface.js_jinja_e2e_chat_template_vectors.json').custom_templates['openchat/openchat-3.5-0106'];
    expect(t.render(c.data.messages).text).toBe(c.target);
  });

  it('trains each reply with its <|end_of_turn|>, nothing else', () => {
    const conv: Turn[] = [{ role: 'system', content: 'S' }, ...turns, { role: 'assistant', content: 'Fine.', weight: 0.25 }];
    const r = t.render(conv);
    expect(r.trained.map((s) => [r.text.slice(s.start, s.end), s.weight])).toEqual([
      ['Hi<|end_of_turn|>', 1],
      ['Fine.<|end_of_turn|>', 0.25],
    ]);
    checkInvariants(t, conv, r);
    checkPrefixes(t, conv, r);
    expect(t.specialTokens).toEqual(['<s>', '<|end_of_turn|>']);
  });
});

describe('openchat (v1)', () => {
  it('renders "Human: {u}<|end_of_turn|>Assistant: {a}<|end_of_turn|>" after BOS (OpenChat v1 model card)', () => {
    // Model card: [bos_token_id] + tokenize("Human: ") + tokenize(user_question) + [eot_token_id] + tokenize("Assistant: ")
    const t = getTemplate('openchat');
    expect(t.render([{ role: 'user', content: 'Q?' }], { addGenerationPrompt: true }).text).toBe('<s>Human: Q?<|end_of_turn|>Assistant: ');
    const conv: Turn[] = [...turns.slice(0, 2)];
    const r = t.render(conv);
    expect(r.text).toBe('<s>Human: Hello<|end_of_turn|>Assistant: Hi<|end_of_turn|>');
    expect(r.text.slice(r.trained[0]!.start, r.trained[0]!.end)).toBe('Hi<|end_of_turn|>');
    checkPrefixes(t, conv, r);
  });
});
