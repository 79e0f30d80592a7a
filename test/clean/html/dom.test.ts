/**
 * The converter's DOM (dom.ts) and its parse5 tree adapter (parse.ts): the tree built for every
 * assistant answer of the shared sample must be the one parse5's own default tree adapter builds
 * (the WHATWG algorithm's reference output), node for node; and the DOM methods the serializer and
 * prepare.ts rely on must behave as the DOM standard says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DefaultTreeAdapterMap, parseFragment } from 'parse5';
import { describe, expect, it } from 'vitest';
import { COMMENT_NODE, ELEMENT_NODE, HDocument, type HElement, type HNode, HText, TEXT_NODE } from '../../../src/clean/html/dom.js';
import { checkHtmlLimits } from '../../../src/clean/html/limits.js';
import { parseSimple } from '../../../src/clean/html/fast-parse.js';
import { parseInto } from '../../../src/clean/html/parse.js';

type P5Node = DefaultTreeAdapterMap['node'];

/** One line per node, depth-first: kind, name/namespace, attributes, text. */
function dumpOurs(root: HElement): string[] {
  const out: string[] = [];
  const walk = (n: HNode, depth: number): void => {
    const pad = ' '.repeat(depth);
    if (n.nodeType === ELEMENT_NODE) {
      const el = n as HElement;
      out.push(`${pad}<${el.localName} ${el.namespaceURI} ${JSON.stringify(el.attrs.map((a) => [a.name, a.value]))}>`);
      for (let c = el.content?.firstChild ?? null; c; c = c.nextSibling) walk(c, depth + 1);
    } else if (n.nodeType === TEXT_NODE) out.push(`${pad}#text ${JSON.stringify((n as HText).data)}`);
    else if (n.nodeType === COMMENT_NODE) out.push(`${pad}#comment ${JSON.stringify((n as HText).data)}`);
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c, depth + 1);
  };
  for (let c = root.firstChild; c; c = c.nextSibling) walk(c, 0);
  return out;
}

function dumpParse5(nodes: P5Node[]): string[] {
  const out: string[] = [];
  const walk = (n: P5Node, depth: number): void => {
    const pad = ' '.repeat(depth);
    if ('tagName' in n) {
      out.push(`${pad}<${n.tagName} ${n.namespaceURI} ${JSON.stringify(n.attrs.map((a) => [a.name, a.value]))}>`);
      if (n.tagName === 'template' && 'content' in n) for (const c of (n.content as { childNodes: P5Node[] }).childNodes) walk(c, depth + 1);
    } else if (n.nodeName === '#text') out.push(`${pad}#text ${JSON.stringify((n as { value: string }).value)}`);
    else if (n.nodeName === '#comment') out.push(`${pad}#comment ${JSON.stringify((n as { data: string }).data)}`);
    for (const c of 'childNodes' in n ? (n.childNodes as P5Node[]) : []) walk(c, depth + 1);
  };
  for (const n of nodes) walk(n, 0);
  return out;
}

function referenceDump(html: string): string[] {
  const context = parseFragment('<x-sftforge-root></x-sftforge-root>').childNodes[0] as DefaultTreeAdapterMap['element'];
  return dumpParse5(parseFragment(context, html).childNodes as P5Node[]);
}

describe('parseInto', () => {
  it('builds the tree parse5 builds for every answer of the shared sample', () => {
    const sample = JSON.parse(readFileSync(join(__dirname, '../../../../shared/data/sharegpt_html_sample.json'), 'utf8')) as unknown[];
    let compared = 0;
    for (const r of sample) {
      const turns = (r as { conversations?: unknown })?.conversations;
      if (!Array.isArray(turns)) continue;
      for (const t of turns) {
        const html = (t as { value?: unknown })?.value;
        if (typeof html !== 'string' || !html.includes('<') || checkHtmlLimits(html)) continue;
        expect(dumpOurs(parseInto('x-sftforge-root', html))).toEqual(referenceDump(html));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('builds well-formed UI answers without the full algorithm, and leaves the rest to it', () => {
    const ui =
      '<div class="markdown prose"><p>Use <code>x</code> &amp; <a href="/a?b=1&amp;c">this</a>:</p><pre><div class="bg-black"><div><span>js</span><button><svg viewBox="0 0 24 24"><path d="M1"/></svg>Copy code</button></div><div><code class="hljs language-js"><span class="hljs-keyword">const</span> a = 1;\n</code></div></div></pre>' +
      '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1<br></td></tr></tbody></table><ul><li><p>a</p><ul><li>b</li></ul></li></ul></div>';
    const fast = parseSimple('x-sftforge-root', ui);
    expect(fast).not.toBeNull();
    expect(dumpOurs(fast!)).toEqual(referenceDump(ui));
    for (const html of [
      '<p>one<div>two</div></p>',
      '<b><i>x</b>y</i>',
      '<table><tr><td>a</td></tr></table>',
      '<table><tbody><tr><td>a</td></tr>text</tbody></table>',
      '<ul><li>a<li>b</ul>',
      '<div>x</span></div>',
      '<a href=1>a<a href=2>b</a></a>',
      '<svg><p>out</p></svg>',
      '<svg><image href=x><path/></image></svg>',
      '<!-- c -->x',
      '<div title="a',
      '<style>p{}</style>',
      'a\0b',
    ]) {
      expect(parseSimple('x-sftforge-root', html), html).toBeNull();
    }
  });

  it('follows the HTML5 algorithm on malformed input', () => {
    for (const html of [
      '<p>one<div>two</div></p>', // a block closes the paragraph; the stray </p> makes an empty one
      '<b><i>x</b>y</i>', // adoption agency
      '<table><tr><td>a</td></tr>text</table>', // foster parenting, implied tbody
      '<ul><li>a<li>b</ul>',
      '<pre>\nfirst line</pre>', // the newline after <pre> is dropped
      'a\r\nb\rc', // newlines normalised
      '<template><p>t</p></template><svg viewBox="0 0 1 1"><path d="M0"/></svg>',
      '<!-- c --><div>unclosed <span>at end',
    ]) {
      expect(dumpOurs(parseInto('x-sftforge-root', html)), html).toEqual(referenceDump(html));
    }
  });
});

describe('dom', () => {
  const doc = new HDocument();

  it('keeps siblings and parents consistent through insert, replace and remove', () => {
    const root = doc.createElement('div');
    const a = root.appendChild(doc.createTextNode('a'));
    const c = root.appendChild(doc.createTextNode('c'));
    const b = root.insertBefore(doc.createElement('b'), c);
    expect(root.childNodes).toEqual([a, b, c]);
    expect([a.nextSibling, b.previousSibling, c.previousSibling, root.lastChild]).toEqual([b, a, b, c]);
    const x = doc.createTextNode('x');
    expect(root.replaceChild(x, b)).toBe(b);
    expect(root.childNodes).toEqual([a, x, c]);
    expect(b.parentNode).toBeNull();
    root.replaceChild(c, x); // a node replacing its own previous sibling
    expect(root.childNodes).toEqual([a, c]);
    c.remove();
    expect([root.firstChild, root.lastChild, a.nextSibling]).toEqual([a, a, null]);
    expect(() => root.removeChild(c)).toThrow();
  });

  it('names, text and lookups as the DOM standard has them', () => {
    const root = parseInto('div', '<p class="x">a<!--no--><b>b</b></p><IMG src=1><svg><foreignObject></foreignObject></svg><input type=CHECKBOX checked>');
    const p = root.firstElementChild!;
    expect([p.nodeName, p.tagName, p.localName, p.className]).toEqual(['P', 'P', 'p', 'x']);
    expect(p.textContent).toBe('ab'); // comments are not text
    expect(root.getElementsByTagName('IMG').map((e) => e.getAttribute('src'))).toEqual(['1']); // HTML names match in any case
    expect(root.getElementsByTagName('foreignObject').map((e) => e.nodeName)).toEqual(['foreignObject']); // foreign names keep theirs
    expect(root.getElementsByTagName('foreignobject')).toEqual([]);
    const input = root.lastElementChild!;
    expect([input.type, input.checked, p.type]).toEqual(['checkbox', true, undefined]);
    expect(root.getElementsByTagName('*').length).toBe(6);
    expect(p.lastElementChild?.nodeName).toBe('B');
    expect(p.firstChild).toBeInstanceOf(HText);
  });

  it('gives a table its rows in order, sections included', () => {
    const table = parseInto('div', '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody></table>').firstElementChild!;
    expect(table.rows.map((r) => r.textContent)).toEqual(['h', '1', '2']);
  });

  it('walks a tree deeper than the stack without recursion', () => {
    const root = doc.createElement('div');
    let cur: HElement = root;
    for (let i = 0; i < 200_000; i++) cur = cur.appendChild(doc.createElement('span'));
    cur.appendChild(doc.createTextNode('deep'));
    expect(root.textContent).toBe('deep');
    expect(root.getElementsByTagName('span').length).toBe(200_000);
  });
});
