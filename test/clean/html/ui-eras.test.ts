/**
 * 2024–25 ChatGPT markup and links as written. References: the ui2024 dev set
 * (fixtures/make-devsets.mjs renders sources.mjs with marked into the later markup) scored by
 * ../shared/tools/score-markdown.mjs, and marked's reading of what the converter writes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { describe, expect, test } from 'vitest';
import { htmlToMarkdown } from '../../../src/clean/html/index.js';
import { ROOT, SHARED, tempDir } from '../../helpers/paths.js';
import { answer, fences } from './ui-html.js';

const conv = (inner: string) => htmlToMarkdown(answer(inner));
const fixtures = join(ROOT, 'test/clean/html/fixtures');

/** A 2025 code block: language only as header text, Copy and Edit buttons (labels given). */
const block2025 = (lang: string, code: string, copy = 'Copy', edit = 'Edit') =>
  '<pre class="overflow-visible!"><div class="contain-inline-size rounded-2xl relative">' +
  `<div class="flex items-center px-4 py-2 text-xs font-sans justify-between h-9 select-none">${lang}</div>` +
  '<div class="sticky top-9"><div class="absolute end-0 bottom-0 flex h-9 items-center pe-2"><div class="flex items-center">' +
  `<button aria-label="Copy"><svg viewBox="0 0 24 24"><path d="M0"></path></svg>${copy}</button>` +
  `<span data-state="closed"><button><svg viewBox="0 0 24 24"></svg>${edit}</button></span></div></div></div>` +
  `<div class="overflow-y-auto p-4" dir="ltr"><code class="whitespace-pre!"><span>${code}</span></code></div></div></pre>`;

describe('code blocks of every UI era', () => {
  test('2025: the language is the header text, never a button label (English or localised)', () => {
    for (const [copy, edit] of [
      ['Copy', 'Edit'],
      ['Copiar', 'Editar'],
      ['Kopieren', 'Bearbeiten'],
      ['复制', '编辑'],
    ]) {
      const md = conv(block2025('python', 'print(1)', copy, edit));
      expect(fences(md)).toEqual([{ lang: 'python', code: 'print(1)', path: 'code' }]);
    }
  });

  test('2025 without a language: no language, not "Copy"', () => {
    const md = conv(block2025('', 'plain text'));
    expect(fences(md)).toEqual([{ lang: '', code: 'plain text', path: 'code' }]);
  });

  test('no UI chrome left: buttons, icons, sticky wrappers', () => {
    const md = conv('<p data-start="0" data-end="4">Code:</p>' + block2025('bash', 'ls -la'));
    expect(md).toBe('Code:\n\n```bash\nls -la\n```');
  });
});

describe('web answers', () => {
  test('a citation pill is [label](url): favicon and "+1" counter dropped', () => {
    const pill =
      '<span data-state="closed"><span class="ms-1 inline-flex" data-testid="webpage-citation-pill">' +
      '<a href="https://en.wikipedia.org/wiki/Paris?utm_source=chatgpt.com" target="_blank"><img src="https://www.google.com/s2/favicons?domain=x" alt="">' +
      '<span><span class="truncate">Wikipedia</span><span class="-me-1">+1</span></span></a></span></span>';
    expect(conv(`<p data-start="1" data-end="9">Paris is the capital ${pill}.</p>`)).toBe('Paris is the capital [Wikipedia](https://en.wikipedia.org/wiki/Paris?utm_source=chatgpt.com).');
  });

  test('a link-preview card is a link with its title', () => {
    const card =
      '<div class="not-prose"><a href="https://docs.python.org/3/library/csv.html"><img src="https://www.google.com/s2/favicons?domain=docs.python.org" alt="">' +
      '<div class="flex flex-col"><div class="font-semibold">csv — CSV File Reading</div><div class="text-xs">docs.python.org</div></div></a></div>';
    expect(conv(`<p>See:</p>${card}`)).toBe('See:\n\n[csv — CSV File Reading](https://docs.python.org/3/library/csv.html)');
  });

  test('list items wrapping <p> with data-* attributes convert like plain items', () => {
    const md = conv(
      '<ul data-start="0" data-end="30"><li data-start="0" data-end="9"><p data-start="2" data-end="9">one</p></li><li data-start="10" data-end="19"><p data-start="12" data-end="19">two</p></li></ul>',
    );
    expect(marked.parse(md)).toBe(marked.parse('- one\n\n- two'));
  });
});

describe('text as written', () => {
  test('a link whose text is its URL is the bare URL where GFM links it again, else <url>', () => {
    expect(conv('<p>Site: <a href="https://www.rust-lang.org/">https://www.rust-lang.org/</a> and (<a href="https://x.org/a">https://x.org/a</a>).</p>')).toBe(
      'Site: https://www.rust-lang.org/ and (https://x.org/a).',
    );
    // Glued to CJK text a bare URL would not be linked (or would swallow the text): angle form.
    expect(conv('<p>网址：<a href="https://example.com/">https://example.com/</a>谢谢</p>')).toBe('网址：<https://example.com/>谢谢');
  });

  test('hrefs come back percent-decoded where that is what was typed', () => {
    const md = conv('<p><a href="https://www.google.com/search?q=AI%E7%BB%98%E7%94%BB">AI绘画</a></p>');
    expect(md).toBe('[AI绘画](https://www.google.com/search?q=AI绘画)');
    // marked encodes it back to the same href.
    expect(marked.parse(md)).toContain('href="https://www.google.com/search?q=AI%E7%BB%98%E7%94%BB"');
    // Spaces and typographic punctuation stay encoded (a space would end the destination).
    expect(conv('<p><a href="https://x.org/a%20b">x</a> <a href="https://en.wikipedia.org/wiki/Fowler%E2%80%93Noll">w</a></p>')).toBe(
      '[x](https://x.org/a%20b) [w](https://en.wikipedia.org/wiki/Fowler%E2%80%93Noll)',
    );
  });

  test('<br> after a space was a backslash hard break; both forms read back as <br>', () => {
    const md = conv('<p>(7)^k <br>&amp;= 1<br>end</p>');
    expect(md).toBe('(7)^k \\\n&= 1  \nend');
    expect(marked.parse(md)).toBe('<p>(7)^k <br>&amp;= 1<br>end</p>\n');
  });

  test('images are ![alt](src)', () => {
    expect(conv('<p><img src="https://example.com/a.png" alt="A diagram"></p>')).toBe('![A diagram](https://example.com/a.png)');
  });
});

test('ui2024 dev set: code, languages, links and text all come back', () => {
  const records = JSON.parse(readFileSync(join(fixtures, 'ui2024_dev.json'), 'utf8')) as { id: string; conversations: { from: string; value: string }[] }[];
  const lines: string[] = [];
  for (const r of records) {
    const md = htmlToMarkdown(r.conversations[1]!.value);
    expect(md, r.id).not.toMatch(/<\/?(?:span|div|button|svg|img|p|br|li|table)\b/i); // no leftover tags
    expect(md, r.id).not.toMatch(/\b(?:Copy|Copiar|Edit|Editar)\b/);
    lines.push(
      JSON.stringify({
        id: r.id,
        conversations: [
          { from: 'human', value: 'q' },
          { from: 'gpt', value: md },
        ],
      }),
    );
  }
  const out = join(tempDir('html-ui2024-'), 'cleaned.jsonl');
  writeFileSync(out, lines.join('\n') + '\n');
  const score = JSON.parse(execFileSync(process.execPath, [join(SHARED, 'tools/score-markdown.mjs'), join(fixtures, 'ui2024_dev.truth.json'), out], { cwd: ROOT, encoding: 'utf8' })) as Record<
    string,
    number
  >;
  expect(score['records_scored']).toBe(36);
  expect(score['code_blocks']).toBe(22);
  expect(score['code_exact_pct']).toBe(100);
  expect(score['lang_exact_pct']).toBe(100);
  expect(score['turn_text_match_pct']).toBe(100);
});

test('a pill without its test id: the favicon (empty alt) goes, the label stays; badges stay', () => {
  const pill = '<a href="https://www.reuters.com/x" target="_blank"><img src="https://www.google.com/s2/favicons?domain=reuters.com" alt=""><span><span class="truncate">Reuters</span></span></a>';
  expect(conv(`<p>Markets fell ${pill}.</p>`)).toBe('Markets fell [Reuters](https://www.reuters.com/x).');
  const badge = '<a href="https://npmjs.com/p"><img src="https://img.shields.io/npm/v/p.svg" alt="npm"></a>';
  expect(conv(`<p>${badge}</p>`)).toBe('[![npm](https://img.shields.io/npm/v/p.svg)](https://npmjs.com/p)');
});

test('editor-style code (one <div> per line, empty lines as <br>) keeps its lines', () => {
  const lines = '<div class="cm-line">def f():</div><div class="cm-line">    return 1</div><div class="cm-line"><br></div><div class="cm-line">f()</div>';
  const md = conv(`<pre><code class="language-python">${lines}</code></pre>`);
  expect(fences(md)).toEqual([{ lang: 'python', code: 'def f():\n    return 1\n\nf()', path: 'code' }]);
});
