/**
 * Math back to TeX. References: Markdown with `$…$` / `$$` rendered through the `katex` package as
 * the ChatGPT UI did (fixtures/make-devsets.mjs builds the dev set the same way), and the math dev
 * set's truth scored by ../shared/tools/score-markdown.mjs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import katex from 'katex';
import { describe, expect, test } from 'vitest';
import { htmlToMarkdown, looksLikeHtml } from '../../../src/clean/html/index.js';
import { ROOT, SHARED, tempDir } from '../../helpers/paths.js';
import { answer } from './ui-html.js';

const conv = (inner: string) => htmlToMarkdown(answer(inner));
const inline = (tex: string) => katex.renderToString(tex, { throwOnError: false });
const display = (tex: string) => katex.renderToString(tex, { displayMode: true, throwOnError: false });

describe('KaTeX', () => {
  test('inline math in the 2023 wrapper comes back as $tex$, not three layers of text', () => {
    const md = conv(`<p>The value <span class="math math-inline">${inline('|x - 3| < 5')}</span> matters</p>`);
    expect(md).toBe('The value $|x - 3| < 5$ matters');
  });

  test('display math, wrapped or bare, is $$ on lines of its own', () => {
    const tex = '\\frac{a}{b} = \\sum_{k=1}^{n} k';
    const wrapped = conv(`<p>Then</p><p><span class="math math-display">${display(tex)}</span></p><p>so.</p>`);
    const bare = conv(`<p>Then</p>${display(tex)}<p>so.</p>`);
    expect(wrapped).toBe(`Then\n\n$$\n${tex}\n$$\n\nso.`);
    expect(bare).toBe(wrapped);
  });

  test('later pages without the math-* wrapper: bare .katex inline', () => {
    expect(conv(`<p>so ${inline('E = mc^2')} holds</p>`)).toBe('so $E = mc^2$ holds');
  });

  test('math in a list item and a table cell', () => {
    const md = conv(`<ul><li>mean ${inline('\\mu')}</li></ul><table><thead><tr><th>${inline('n^2')}</th></tr></thead><tbody><tr><td>4</td></tr></tbody></table>`);
    expect(md).toBe('- mean $\\mu$\n\n| $n^2$ |\n| --- |\n| 4 |');
  });

  test('$ inside code stays as written', () => {
    expect(conv('<p>Use <code>$HOME</code> and <code>$x$</code></p>')).toBe('Use `$HOME` and `$x$`');
  });
});

describe('MathJax', () => {
  test('MathJax 2: the source script wins, preview and frame go; TeX is raw in the script', () => {
    const html =
      '<p>Here <span class="MathJax_Preview"></span><span class="MathJax" id="MathJax-Element-1-Frame"><nobr>x2</nobr></span>' +
      '<script type="math/tex" id="MathJax-Element-1">x^2 < y & z</script> ends.</p>';
    expect(conv(html)).toBe('Here $x^2 < y & z$ ends.');
  });

  test('MathJax 2 display mode', () => {
    const html =
      '<p>See</p><div class="MathJax_Display"><span class="MathJax" id="MathJax-Element-2-Frame">∫</span></div>' + '<script type="math/tex; mode=display" id="MathJax-Element-2">\\int_0^1 f</script>';
    expect(conv(html)).toBe('See\n\n$$\n\\int_0^1 f\n$$');
  });

  test('a typed <script> in prose is still text (only math/tex scripts are elements)', () => {
    expect(conv('<p>Add <script>alert(1)</script> to the page</p>')).toBe('Add <script>alert(1)</script> to the page');
  });

  test('MathJax 3 container: source from data-latex', () => {
    const html = '<p>v <mjx-container class="MathJax" jax="CHTML" data-latex="\\alpha+1"><mjx-math><mjx-mi>α</mjx-mi></mjx-math></mjx-container> end</p>';
    expect(conv(html)).toBe('v $\\alpha+1$ end');
  });
});

describe('math dev set (fixtures/math_dev.json: KaTeX wrapped, bare, MathJax 2)', () => {
  const fixtures = join(ROOT, 'test/clean/html/fixtures');
  const records = JSON.parse(readFileSync(join(fixtures, 'math_dev.json'), 'utf8')) as { id: string; conversations: { from: string; value: string }[] }[];
  const truth = JSON.parse(readFileSync(join(fixtures, 'math_dev.truth.json'), 'utf8')) as Record<string, string[]>;
  const converted = records.map((r) => {
    const html = r.conversations[1]!.value;
    expect(looksLikeHtml(html)).toBe(true);
    return { id: r.id, md: htmlToMarkdown(html) };
  });

  test('every TeX source comes back inside its delimiters, in every shape', () => {
    let formulas = 0;
    for (const { id, md } of converted) {
      const source = truth[id]![0]!;
      const texts = source.replace(/```[\s\S]*?```|`[^`]*`/g, '');
      for (const m of texts.matchAll(/\$\$\n([\s\S]+?)\n\$\$|\$([^$\n]+?)\$/g)) {
        formulas++;
        const want = m[1] !== undefined ? `$$\n${m[1]}\n$$` : `$${m[2]}$`;
        expect(md, id).toContain(want);
      }
      expect(md).not.toMatch(/[∣−]/); // KaTeX's rendered glyphs never leak
    }
    expect(formulas).toBeGreaterThan(150);
  });

  test('scored against its truth: every answer text-identical, code exact', () => {
    const out = join(tempDir('html-math-'), 'cleaned.jsonl');
    writeFileSync(
      out,
      converted
        .map(({ id, md }) =>
          JSON.stringify({
            id,
            conversations: [
              { from: 'human', value: 'q' },
              { from: 'gpt', value: md },
            ],
          }),
        )
        .join('\n') + '\n',
    );
    const score = JSON.parse(execFileSync(process.execPath, [join(SHARED, 'tools/score-markdown.mjs'), join(fixtures, 'math_dev.truth.json'), out], { cwd: ROOT, encoding: 'utf8' })) as Record<
      string,
      number
    >;
    expect(score['records_scored']).toBe(72);
    expect(score['turn_text_match_pct']).toBe(100);
    expect(score['code_exact_pct']).toBe(100);
    expect(score['escape_artifacts_per_100_turns']).toBe(0);
  });
});

test('unrendered math (remark-math before KaTeX ran, a KaTeX parse error) keeps its TeX', () => {
  expect(conv('<p>a <span class="math math-inline">x^2</span> b</p>')).toBe('a $x^2$ b');
  expect(conv('<p>a <span class="katex-error" title="ParseError" style="color:#cc0000">\\frac{1</span> b</p>')).toBe('a $\\frac{1$ b');
});
