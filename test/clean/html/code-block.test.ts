import { describe, expect, test } from 'vitest';
import { htmlToMarkdown } from '../../../src/clean/html/index.js';
import { fenceFor } from '../../../src/clean/html/code-block.js';
import { marked } from 'marked';
import { answer, fences, renderLikeSample, uiCodeBlock } from './ui-html.js';

const PY = 'def f(x):\n    return x * 2\n';

describe('UI code blocks', () => {
  test('2023 shape: language from the header span, exact code, no chrome', () => {
    const md = htmlToMarkdown(answer(`<p>Here:</p>${uiCodeBlock(PY.trimEnd(), 'python')}<p>Done.</p>`));
    expect(md).toBe('Here:\n\n```python\ndef f(x):\n    return x * 2\n```\n\nDone.');
    expect(md).not.toContain('Copy code');
  });

  test('December 2022 shape: no span, language from language-xxx, hljs and !whitespace-pre-wrap ignored', () => {
    const md = htmlToMarkdown(answer(uiCodeBlock('SELECT 1;', 'sql', { dec2022: true })));
    expect(md).toBe('```sql\nSELECT 1;\n```');
  });

  test('plaintext is what the UI shows for a block without language: it maps back to none', () => {
    expect(htmlToMarkdown(answer(uiCodeBlock('x = 1', '')))).toBe('```\nx = 1\n```');
    expect(htmlToMarkdown(answer(uiCodeBlock('x = 1', '', { dec2022: true })))).toBe('```\nx = 1\n```');
  });

  test('a bare <pre><code class="language-x"> converts the same way', () => {
    expect(htmlToMarkdown('<div><pre><code class="hljs language-rust">fn main() {}</code></pre></div>')).toBe('```rust\nfn main() {}\n```');
  });

  test('highlight spans (nested too) disappear, their text stays byte-exact', () => {
    const inner = '<span class="hljs-keyword">const</span> a = <span class="hljs-string">"<span class="hljs-subst">${b}</span>"</span>;';
    expect(htmlToMarkdown(answer(uiCodeBlock('', 'js', { inner })))).toBe('```js\nconst a = "${b}";\n```');
  });

  test('entities decode: &lt; &gt; &amp; &quot; &#39;', () => {
    const code = '#include <stdio.h>\nif (a < b && c > d) puts("it\'s");';
    expect(htmlToMarkdown(answer(uiCodeBlock(code, 'c')))).toBe('```c\n' + code + '\n```');
  });

  test('blank lines, trailing spaces and tabs inside code are kept', () => {
    const code = 'a\n\n\n\tb  \n   \nc';
    const md = htmlToMarkdown(answer(uiCodeBlock(code, 'text')));
    expect(md).toBe('```text\n' + code + '\n```');
    expect(fences(md)[0]!.code).toBe(code);
  });

  test('<br> inside code is a newline', () => {
    expect(htmlToMarkdown(answer(uiCodeBlock('', 'sh', { inner: 'echo 1<br>echo 2' })))).toBe('```sh\necho 1\necho 2\n```');
  });

  test('code holding backtick fences gets a longer fence', () => {
    const code = 'Use:\n```js\nx\n```\nand `inline` and `````five';
    const md = htmlToMarkdown(answer(uiCodeBlock(code, 'markdown')));
    expect(md.startsWith('``````markdown\n')).toBe(true);
    expect(fences(md)).toEqual([{ lang: 'markdown', code, path: 'code' }]);
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('a ``` b')).toBe('````');
  });

  test('an empty code block stays a code block', () => {
    const md = htmlToMarkdown(answer(`<p>a</p>${uiCodeBlock('', '', { inner: '' })}<p>b</p>`));
    expect(fences(md)).toEqual([{ lang: '', code: '', path: 'code' }]);
  });

  test('an answer that is only a code block is not dropped as "blank"', () => {
    expect(htmlToMarkdown(answer(uiCodeBlock('x', 'js')))).toBe('```js\nx\n```');
  });

  test('"Copy code" inside the code itself is content', () => {
    const code = 'print("Copy code")\nCopy code';
    expect(fences(htmlToMarkdown(answer(uiCodeBlock(code, 'python'))))[0]!.code).toBe(code);
  });
});

describe('code blocks inside list items', () => {
  const md = [
    '1. Install:',
    '',
    '   ```bash',
    '   npm install',
    '',
    '   npm test',
    '   ```',
    '',
    '2. Then nested:',
    '   - inner item',
    '',
    '     ```python',
    '     def g():',
    '',
    '         return `tick`',
    '     ```',
    '',
  ].join('\n');

  for (const dec2022 of [false, true]) {
    test(`code keeps its list item and its exact text (${dec2022 ? 'Dec 2022' : '2023'} shape)`, () => {
      const out = htmlToMarkdown(renderLikeSample(md, { dec2022 }));
      expect(fences(out)).toEqual(fences(md));
      expect(fences(out).map((f) => f.path)).toEqual(['list>list_item>code', 'list>list_item>list>list_item>code']);
      // Blank lines inside the indented code stay empty: no trailing spaces.
      expect(out).not.toMatch(/^[ \t]+$/m);
    });
  }
});

describe('round trip through marked (the renderer that made the sample)', () => {
  const docs = [
    'Text with `code` and\n\n```ts\nconst x: Array<string> = [];\n```\n',
    '- a\n  - b\n    - c\n\n      ```\n      deep\n      ```\n',
    '```\n<div class="x">&amp;</div>\n```\n',
    '1. one\n2. two\n\n   ```json\n   {"a": "b"}\n   ```\n3. three\n',
  ];
  for (const [i, doc] of docs.entries()) {
    test(`doc ${i}: the same HTML comes back`, () => {
      const out = htmlToMarkdown(renderLikeSample(doc));
      expect(fences(out)).toEqual(fences(doc));
      expect(marked.parse(out)).toBe(marked.parse(doc));
    });
  }
});
