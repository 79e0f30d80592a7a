/**
 * The serializer's whitespace and join rules (markdown.ts). Expected Markdown is what the turndown
 * build (before #16) gave for the same HTML, byte for byte: the serializer replaced it unchanged.
 */
import { describe, expect, test } from 'vitest';
import { htmlToMarkdown } from '../../../src/clean/html/index.js';

/** Each HTML converts to its Markdown (the HTML names the failing case). */
function convertsAll(cases: Array<[string, string]>): void {
  for (const [html, md] of cases) expect(htmlToMarkdown(html), html).toBe(md);
}

describe('serializer (markdown.ts)', () => {
  test('whitespace at the edges of an inline element moves outside its delimiters, once', () => {
    const cases: Array<[string, string]> = [
      ['<p>a <b>bold </b>x</p>', 'a **bold** x'],
      ['<p>a <b> bold</b> x</p>', 'a **bold** x'],
      ['<p>x <a href="https://e.com/"> link </a> y</p>', 'x [link](https://e.com/) y'],
      ['<p>x<strong>\u00a0y\u00a0</strong>z</p>', 'x\n\u00a0**y**\u00a0z'],
      ['<p>\n  lead  <b>b</b>  \n</p>', 'lead **b**'],
    ];
    convertsAll(cases);
  });

  test('blank elements: nothing inline, a blank line for blocks, and empty emphasis goes', () => {
    const cases: Array<[string, string]> = [
      ['<p>a <span> </span>b</p>', 'a b'],
      ['<p>a<span> </span>b</p>', 'a b'],
      ['<p>a <em> </em> b</p>', 'a b'],
      ['<p>one</p><p></p><div> </div><p>two</p>', 'one\n\ntwo'],
      ['<ul><li>a<ul><li>b</li></ul></li><li></li><li>c</li></ul>', '- a\n  - b\n\n- c'],
    ];
    convertsAll(cases);
  });

  test('pieces join with the most newlines either side asks for, at most two', () => {
    const cases: Array<[string, string]> = [
      ['<div>a<div>b</div>c</div>', 'a\n\nb\n\nc'],
      ['<p>a</p><div><p>b</p></div><p>c</p>', 'a\n\nb\n\nc'],
      ['<h2>Title</h2>text<hr>after', '## Title\n\ntext\n\n---\n\nafter'],
      ['<blockquote><p>q1</p><p>q2</p></blockquote>', '> q1\n> \n> q2'],
      ['<p>a<!-- note --> b</p>', 'a b'],
    ];
    convertsAll(cases);
  });

  test('inline rules: code spans, strikethrough, task lists, images, chrome', () => {
    const cases: Array<[string, string]> = [
      ['<p>run <code>a`b</code> and <code>`x</code> and <code></code>.</p>', 'run ``a`b`` and `` `x `` and .'],
      ['<p><del>gone</del> <s>old</s></p>', '~gone~ ~old~'],
      ['<ul><li><input type="checkbox" checked> done</li></ul>', '- [x] done'],
      ['<p>img <img src="a.png" alt="A"> <img> end</p>', 'img ![A](a.png)  end'],
      ['<p>a<button> Copy </button>b<svg><path/></svg>c</p>', 'a  bc'],
    ];
    convertsAll(cases);
  });
});
