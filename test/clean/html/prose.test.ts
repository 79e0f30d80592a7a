import { marked } from 'marked';
import { describe, expect, test } from 'vitest';
import { htmlToMarkdown } from '../../../src/clean/html/index.js';
import { answer, renderLikeSample } from './ui-html.js';

const conv = (inner: string) => htmlToMarkdown(answer(inner));

describe('no escaping added to prose', () => {
  test('snake_case, 2*3, [x], # and > mid-line stay as written', () => {
    expect(conv('<p>Use snake_case, 2*3=6, a [x] box, C# and a -> b.</p>')).toBe('Use snake_case, 2*3=6, a [x] box, C# and a -> b.');
  });

  test('a shown backslash is escaped only where it would escape the next character', () => {
    // Source `(4+5)\\*22` rendered as "(4+5)\" then emphasis; `C:\path` needs nothing.
    expect(conv('<p>C:\\temp and a\\*b and end\\</p>')).toBe('C:\\temp and a\\\\*b and end\\\\');
  });

  test('a line that would open a block is escaped (the source must have escaped it)', () => {
    const md = conv('<p>Intro\n# not a heading\n- not a list\n1. not a list</p><p>3. starts a paragraph</p>');
    expect(md).toBe('Intro\n\\# not a heading\n\\- not a list\n1\\. not a list\n\n3\\. starts a paragraph');
    expect(marked.parse(md)).toBe('<p>Intro\n# not a heading\n- not a list\n1. not a list</p>\n<p>3. starts a paragraph</p>\n');
  });
});

describe('line breaks', () => {
  test('soft line breaks of the source are kept (whitespace collapsing alone would join them)', () => {
    expect(conv('<p>Roses are red,\nviolets are blue.</p>')).toBe('Roses are red,\nviolets are blue.');
  });

  test('a break the serialiser dropped before inline code after a word comes back', () => {
    expect(conv('<p>pass the <code>--debug</code> (or<code>-d</code>) switch</p>')).toBe('pass the `--debug` (or\n`-d`) switch');
    // CJK text glues to code for real: left alone.
    expect(conv('<p>使用<code>xlsx-style</code>库</p>')).toBe('使用`xlsx-style`库');
  });

  test('<br> is a hard break; inside a table cell it stays HTML', () => {
    expect(conv('<p>a<br>b</p>')).toBe('a  \nb');
    expect(conv('<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>a<br>b</td></tr></tbody></table>')).toBe('| h |\n| --- |\n| a<br>b |');
  });
});

describe('tables', () => {
  test('GFM table with | escaped in cells, code spans included', () => {
    const md = conv('<table><thead><tr><th>op</th><th>meaning</th></tr></thead><tbody>' + '<tr><td><code>a | b</code></td><td>x|y or <strong>z</strong></td></tr></tbody></table>');
    expect(md).toBe('| op | meaning |\n| --- | --- |\n| `a \\| b` | x\\|y or **z** |');
    const table = marked.lexer(md)[0] as { type: string; rows: { text: string }[][] };
    expect(table.type).toBe('table');
    expect(table.rows[0]!.map((c) => c.text)).toEqual(['`a | b`', 'x|y or **z**']);
  });

  test('aligned columns get a delimiter row with colons', () => {
    const md = conv('<table><thead><tr><th align="left">a</th><th align="right">b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>');
    expect(md).toBe('| a | b |\n|:--|--:|\n| 1 | 2 |');
  });
});

describe('lists, links, headings, emphasis', () => {
  test('nested lists keep their structure', () => {
    const src = '- a\n  - b\n    1. c\n    2. d\n- e\n';
    const md = htmlToMarkdown(renderLikeSample(src));
    expect(md).toBe('- a\n  - b\n    1. c\n    2. d\n- e');
    expect(marked.parse(md)).toBe(marked.parse(src));
  });

  test('ordered list start is kept', () => {
    expect(conv('<ol start="4"><li>four</li><li>five</li></ol>')).toBe('4. four\n5. five');
  });

  test('a list restarts its numbers after an item ending in a question (same <ol> for a reader)', () => {
    const src = '1. Pidgey\n2. Rattata\nWhich one?\n1. Catch it\n2. Run\n';
    const md = htmlToMarkdown(renderLikeSample(src));
    expect(md).toBe('1. Pidgey\n2. Rattata\n   Which one?\n1. Catch it\n2. Run');
    expect(marked.parse(md)).toBe(marked.parse(src));
  });

  test('links, autolinks, images and titles', () => {
    expect(conv('<p>See <a href="https://en.wikipedia.org/wiki/Rust_(language)">Rust</a>.</p>')).toBe('See [Rust](https://en.wikipedia.org/wiki/Rust_(language)).');
    expect(conv('<p>网址：<a href="https://example.com/">https://example.com/</a></p>')).toBe('网址：<https://example.com/>');
    expect(conv('<p>Mail <a href="mailto:a@b.org">a@b.org</a> now</p>')).toBe('Mail a@b.org now');
    expect(conv('<p><img src="https://x.org/i.png" alt="my_logo*"> <a href="/p" title="T">t</a></p>')).toBe('![my_logo*](https://x.org/i.png) [t](/p "T")');
  });

  test('ATX headings, emphasis, inline code, strikethrough, blockquote, hr', () => {
    const src = '## Title\n\nSome *em*, **strong**, `code`, ~gone~.\n\n> quoted\n> text\n\n---\n\n### End\n';
    const md = htmlToMarkdown(renderLikeSample(src));
    expect(md).toBe('## Title\n\nSome *em*, **strong**, `code`, ~gone~.\n\n> quoted\n> text\n\n---\n\n### End');
    expect(marked.parse(md)).toBe(marked.parse(src));
  });

  test('task list items', () => {
    expect(conv('<ul><li><input type="checkbox" checked disabled> done</li><li><input type="checkbox" disabled> todo</li></ul>')).toBe('- [x] done\n- [ ] todo');
  });
});

describe('tags the model typed (raw HTML passed through by the renderer)', () => {
  test('unknown and non-Markdown tags come back as text, not swallowed', () => {
    expect(conv('<p>#include <QObject>\nMap<String, String> m;</p>')).toBe('#include <QObject>\nMap<String, String> m;');
    // <style> would otherwise swallow the rest of the answer, code blocks included.
    const md = conv('<p>Add a <style> tag in <head>.</p><pre><code class="language-css">p {}</code></pre>');
    expect(md).toBe('Add a <style> tag in <head>.\n\n```css\np {}\n```');
  });
});

describe('output hygiene', () => {
  test('trimmed, no trailing spaces outside hard breaks', () => {
    const md = conv('<p>  a  </p><ul><li><p>x</p><p>y</p></li></ul>\n\n');
    expect(md).toBe('a\n\n- x\n\n  y');
    expect(md).not.toMatch(/[ \t]+$/m);
  });
});

describe('tables without a header row', () => {
  test('the first row serves as header instead of the table staying raw HTML', () => {
    const md = conv('<table><tbody><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></tbody></table>');
    expect(md).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});

test('a long table converts in linear time (a per-row table search made 8,000 rows take 30 s)', () => {
  const rows = '<tr><td>1</td><td>2</td></tr>'.repeat(8000);
  const t0 = performance.now();
  const md = conv(`<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>${rows}</tbody></table>`);
  expect(performance.now() - t0).toBeLessThan(5000);
  expect(md.split('\n')).toHaveLength(8002);
});

test('text inside a link or emphasis at a line start needs no block escape', () => {
  expect(conv('<p><a href="/x"># 1</a> and <strong>- a</strong></p><p><em>1. x</em></p>')).toBe('[# 1](/x) and **- a**\n\n*1. x*');
});
