/**
 * Parse an answer and prepare its tree for the serializer (markdown.ts), in one pass:
 * - each `<pre>` is converted here (fencedBlock) and emptied (see emptyPre), so the serializer never walks the
 *   highlight spans and the UI chrome inside it (a third of the bytes), and no prose rule can
 *   touch code;
 * - each math root (KaTeX, MathJax) becomes a placeholder element holding its TeX (math.ts);
 * - citation pills and preview cards become plain links (chrome.ts);
 * - prose text nodes keep their line breaks and get minimal block escaping (text.ts).
 */
import { chromeReplacement } from './chrome.js';
import { fencedBlock } from './code-block.js';
import { isMathJaxRendering, mathMarkdown, mathSource } from './math.js';
import { BLOCK, DELIMITED, INLINE_AFTER_BREAK, MATH_BLOCK_TAG, MATH_INLINE_TAG, ROOT_TAG, SINGLE_LINE } from './tags.js';
import { droppedBreakBefore, escapeBackslashes, LINE_BREAK, prepareProse } from './text.js';
import { escapeTypedTags } from './typed-tags.js';
import { parseInto } from './parse.js';
import type { HDocument, HElement, HNode, HText } from './dom.js';

const ELEMENT = 1;
const TEXT = 3;

/** A noncharacter (never in interchanged text) standing for an emptied `<pre>`'s content. */
const PRE_PLACEHOLDER = '\uFDD1';

/** Markdown of each emptied `<pre>` and math placeholder, read back by their rules (markdown.ts). */
const fenced = new WeakMap<HNode, string>();

export function preparedFence(node: HNode): string | undefined {
  return fenced.get(node);
}

/** `<br>`s written after a space: the source's backslash hard break (`x \` + newline). */
const backslashBreaks = new WeakSet<HNode>();

export function isBackslashBreak(node: HNode): boolean {
  return backslashBreaks.has(node);
}

/**
 * The answer parsed (HTML5 fragment algorithm, in-body context) into a fresh, detached wrapper
 * element, which leaves nothing behind once the wrapper is dropped.
 */
export function parseAnswer(html: string): HElement {
  // The placeholders are noncharacters, invalid in interchanged text: any in the input go.
  const clean = /[\uFDD0\uFDD1]/.test(html) ? html.replace(/[\uFDD0\uFDD1]/g, '') : html;
  return parseInto(ROOT_TAG, escapeTypedTags(clean));
}

function nameOf(node: HNode): string {
  return node.nodeType === ELEMENT ? (node as HElement).localName : '';
}

function isBreakOrBlock(node: HNode): boolean {
  const name = nameOf(node);
  return name === 'br' || BLOCK.has(name);
}

/**
 * Is there nothing between `node` and a line edge on that side? Climbing out of a `<span>` keeps
 * looking; climbing out of a link or emphasis does not: its `[`, `*` or `~` stands in between.
 */
function atEdge(node: HNode, side: 'previousSibling' | 'nextSibling'): boolean {
  for (let n: HNode = node; ; ) {
    const sib = n[side];
    if (sib) return isBreakOrBlock(sib);
    const parent = n.parentNode;
    if (!parent || BLOCK.has(nameOf(parent))) return true;
    if (DELIMITED.has(nameOf(parent))) return false;
    n = parent;
  }
}

function prepareText(node: HText): void {
  let data = node.data;
  if (!/[^ \t\r\n]/.test(data)) return; // layout whitespace: the serializer drops it
  const prev = node.previousSibling;
  // The task-list rule writes `[x] ` itself; the space after the checkbox would double it.
  if (prev && nameOf(prev) === 'input') data = data.replace(/^[ \t\r\n]+/, '');
  const next = node.nextSibling;
  node.data = prepareProse(data, {
    atLineStart: atEdge(node, 'previousSibling'),
    atLineEnd: atEdge(node, 'nextSibling'),
    beforeInline: next !== null && INLINE_AFTER_BREAK.has(nameOf(next)) ? nameOf(next) : '',
  });
}

/**
 * Two inline elements with nothing between lost the same dropped line break (text.ts): badge
 * rows of links (`[![npm](…)](…)` one per line) and "*two*`readdir`" in the sample's sources.
 */
function splitGluedInline(el: HElement): void {
  const prev = el.previousSibling;
  if (!prev || prev.nodeType !== ELEMENT) return;
  const name = nameOf(prev);
  const glued = (name === 'a' && (el.localName === 'a' || el.localName === 'img')) || ((name === 'em' || name === 'strong') && droppedBreakBefore(prev.textContent ?? '', el.localName));
  if (glued) el.parentNode!.insertBefore(el.ownerDocument.createTextNode(LINE_BREAK), el);
}

/**
 * Replace the block's content by one placeholder character: an empty `<pre>` would make the serializer
 * judge it, and an answer holding nothing else, "blank" and drop it.
 */
function emptyPre(pre: HElement): void {
  fenced.set(pre, fencedBlock(pre));
  while (pre.firstChild) pre.removeChild(pre.firstChild);
  pre.appendChild(pre.ownerDocument.createTextNode(PRE_PLACEHOLDER));
}

/** A placeholder element (one noncharacter inside, so the serializer never finds it blank) for `md`. */
function placeholder(doc: HDocument, tag: string, md: string): HElement {
  const el = doc.createElement(tag);
  el.appendChild(doc.createTextNode(PRE_PLACEHOLDER));
  fenced.set(el, md);
  return el;
}

function removeNode(el: HElement): HNode {
  const gone = el.ownerDocument.createTextNode('');
  el.parentNode!.replaceChild(gone, el);
  return gone;
}

/**
 * Math roots, MathJax renderings and UI chrome: the node that takes `el`'s place (the walk goes
 * on from it), an empty text node when `el` was removed, `el` when left alone.
 */
function replaceSpecial(el: HElement, inCode: boolean): HNode {
  if (!inCode) {
    const math = mathSource(el);
    if (math) {
      const tag = math.display ? MATH_BLOCK_TAG : MATH_INLINE_TAG;
      const ph = placeholder(el.ownerDocument, tag, mathMarkdown(math));
      el.parentNode!.replaceChild(ph, el);
      return ph;
    }
    if (isMathJaxRendering(el)) return removeNode(el);
  }
  const chrome = chromeReplacement(el);
  if (chrome === undefined) return el;
  if (chrome === null) return removeNode(el);
  el.parentNode!.replaceChild(chrome, el);
  return chrome;
}

const SPECIAL = new Set(['span', 'div', 'a', 'math', 'script', 'mjx-container']);

/** Walk the tree once (iteratively: no recursion on deep input). */
export function prepareTree(root: HElement): void {
  const texts: HText[] = [];
  const lines: HText[] = []; // text of headings and cells: one source line each
  const inlines: HElement[] = []; // inline elements in prose, for splitGluedInline
  let singleLine = 0; // how many SINGLE_LINE ancestors the current node has
  let code = 0; // how many <code> ancestors: code text is never touched
  let node: HNode | null = root.firstChild;
  while (node) {
    let descend = false;
    if (node.nodeType === ELEMENT && SPECIAL.has((node as HElement).localName)) {
      // A replacement is walked like any node; placeholders (in `fenced`) are not descended.
      node = replaceSpecial(node as HElement, code > 0);
    }
    if (node.nodeType === ELEMENT && !fenced.has(node)) {
      const name = (node as HElement).localName;
      if (name === 'br') {
        const prev = node.previousSibling;
        if (prev && prev.nodeType === TEXT && /[ \t]$/.test((prev as HText).data)) backslashBreaks.add(node);
      }
      if (name === 'pre') emptyPre(node as HElement);
      else if (singleLine === 0 && code === 0 && INLINE_AFTER_BREAK.has(name)) inlines.push(node as HElement);
      if (name !== 'pre' && node.firstChild) {
        descend = true;
        if (SINGLE_LINE.has(name)) singleLine++;
        if (name === 'code') code++;
      }
    } else if (node.nodeType === TEXT && code === 0) {
      (singleLine === 0 ? texts : lines).push(node as HText);
    }
    if (descend) {
      node = node.firstChild;
      continue;
    }
    while (node && node !== root && !node.nextSibling) {
      node = node.parentNode;
      if (node && node !== root) {
        const name = nameOf(node);
        if (SINGLE_LINE.has(name)) singleLine--;
        if (name === 'code') code--;
      }
    }
    node = node && node !== root ? node.nextSibling : null;
  }
  // Contexts read siblings, so text is rewritten only after the walk.
  for (const t of texts) prepareText(t);
  for (const t of lines) t.data = escapeBackslashes(t.data);
  for (const el of inlines) splitGluedInline(el);
}
