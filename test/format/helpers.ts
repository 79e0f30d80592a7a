/**
 * Test helpers: a tiny OpenChat-3.5 template double (so mask/check tests do not depend on the
 * template module's evolution), tokenizer loading for both backends, and a varied corpus.
 */
import type { Turn } from '../../src/core/types.js';
import type { ChatTemplate, RenderOptions, Rendered, Span, TrainedSpan } from '../../src/format/templates/types.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';

/** `<s>GPT4 Correct User: {u}<|end_of_turn|>GPT4 Correct Assistant: {a}<|end_of_turn|>`, spans per the contract. */
export function openchatDouble(bos = '<s>'): ChatTemplate {
  return {
    name: 'openchat_3.5-double',
    specialTokens: bos ? [bos, '<|end_of_turn|>'] : ['<|end_of_turn|>'],
    render(turns: readonly Turn[], o: RenderOptions = {}): Rendered {
      let text = bos;
      const content: Span[] = [];
      const trained: TrainedSpan[] = [];
      turns.forEach((t, i) => {
        if (t.role === 'system') {
          content.push({ start: text.length, end: text.length + t.content.length, turn: i, role: 'system' });
          text += t.content + '<|end_of_turn|>';
          return;
        }
        text += t.role === 'user' ? 'GPT4 Correct User: ' : 'GPT4 Correct Assistant: ';
        const start = text.length;
        text += t.content;
        content.push({ start, end: text.length, turn: i, role: t.role });
        text += '<|end_of_turn|>';
        if (t.role === 'assistant') trained.push({ start, end: text.length, turn: i, role: 'assistant', weight: t.weight ?? 1 });
      });
      if (o.addGenerationPrompt) text += 'GPT4 Correct Assistant:';
      return { text, content, trained };
    },
  };
}

/** ChatML (`<|im_start|>role\n{c}<|im_end|>\n`), the Qwen layout. */
export function chatmlDouble(): ChatTemplate {
  return {
    name: 'chatml-double',
    specialTokens: ['<|im_start|>', '<|im_end|>'],
    render(turns: readonly Turn[], o: RenderOptions = {}): Rendered {
      let text = '';
      const content: Span[] = [];
      const trained: TrainedSpan[] = [];
      turns.forEach((t, i) => {
        text += `<|im_start|>${t.role}\n`;
        const start = text.length;
        text += t.content;
        content.push({ start, end: text.length, turn: i, role: t.role });
        text += '<|im_end|>';
        if (t.role === 'assistant') trained.push({ start, end: text.length, turn: i, role: 'assistant', weight: t.weight ?? 1 });
        text += '\n';
      });
      if (o.addGenerationPrompt) text += '<|im_start|>assistant\n';
      return { text, content, trained };
    },
  };
}

export async function both(tokenizer: string, specials: readonly string[]): Promise<{ native: LoadedTokenizer; js: LoadedTokenizer }> {
  const native = await loadTokenizer(tokenizer, { templateSpecials: specials, backend: 'native' });
  const js = await loadTokenizer(tokenizer, { templateSpecials: specials, backend: 'js' });
  return { native, js };
}

export const CORPUS: string[] = [
  'Hello world',
  'The quick brown fox jumps over the lazy dog.',
  '  leading spaces and   runs   of spaces  ',
  'tabs\tand\nnewlines\n\n\nthree',
  '你好，世界！这是一个测试。',
  '日本語のテキストとカタカナ、ひらがな。',
  '한국어 문장입니다.',
  'emoji 😀🎉👩‍👩‍👧‍👦 and flags 🇫🇷🇯🇵 and 𐍈 gothic',
  'def f(x):\n    return x ** 2  # square\n\nprint(f(3))',
  'const a = {b: [1, 2, 3]}; // JS\nfunction g() { return a?.b ?? null; }',
  '```python\nfor i in range(10):\n\tprint(i)\n```',
  'mixed 中文 English 😀 code `x = 1`',
  'Ünïcödé àccents café naïve',
  '\u00a0non-breaking\u2003em space\u200bzero width',
  'numbers 1234567890 3.14159 -42 1e10',
  'user typed </s> and <|im_end|> and <s> and <|end_of_turn|> literally',
  '▁ literal metaspace ▁▁ chars',
  ' ',
  '\n',
  'a',
];
