/**
 * Whitespace as the serializer (markdown.ts) sees it, with turndown's semantics (the converter
 * before #16), so that the Markdown stays byte for byte the same: runs of ASCII whitespace
 * collapse as a browser lays them out, and an inline element's edge whitespace moves outside
 * its delimiters. Block and void elements are turndown's lists, by nodeName.
 */
import { type HElement, type HNode, type HText, HTML_NS } from './dom.js';

const ELEMENT = 1;
const TEXT = 3;

/** Elements laid out as blocks (by nodeName): no flanking whitespace, blank ones become `\n\n`. */
export const BLOCK = new Set(
  'ADDRESS ARTICLE ASIDE AUDIO BLOCKQUOTE BODY CANVAS CENTER DD DIR DIV DL DT FIELDSET FIGCAPTION FIGURE FOOTER FORM FRAMESET H1 H2 H3 H4 H5 H6 HEADER HGROUP HR HTML ISINDEX LI MAIN MENU NAV NOFRAMES NOSCRIPT OL OUTPUT P PRE SECTION TABLE TBODY TD TFOOT TH THEAD TR UL'.split(
    ' ',
  ),
);
export const VOID = new Set('AREA BASE BR COL COMMAND EMBED HR IMG INPUT KEYGEN LINK META PARAM SOURCE TRACK WBR'.split(' '));
/** Elements that count even when empty: never blank, nor anything holding one. */
export const SHOWS_EMPTY = new Set('A TABLE THEAD TBODY TFOOT TH TD IFRAME SCRIPT AUDIO VIDEO'.split(' '));
const VOID_LOWER = new Set([...VOID].map((n) => n.toLowerCase()));
const SHOWS_EMPTY_LOWER = new Set([...SHOWS_EMPTY].map((n) => n.toLowerCase()));

/** Does `el` make an ancestor non-blank? (HTML names match case-insensitively, foreign ones exactly.) */
export function keepsAncestor(el: HElement): boolean {
  const name = el.localName;
  return el.namespaceURI === HTML_NS ? VOID_LOWER.has(name) || SHOWS_EMPTY_LOWER.has(name) : VOID.has(name) || SHOWS_EMPTY.has(name);
}

/** JavaScript's `\s` (what blank and flanking whitespace mean), by code unit. */
export function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const isAsciiSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Collapse whitespace runs in place, as layout does: turndown's pass, which decides the bytes. */
export function collapseWhitespace(root: HElement): void {
  let prevText: HText | null = null; // the last text kept, whose trailing space a block or <br> removes
  let keepLeading = false; // after an inline void element (<img>), a leading space is content
  const visit = (el: HElement): void => {
    const name = el.nodeName;
    if (BLOCK.has(name) || name === 'BR') {
      if (prevText?.data.endsWith(' ')) prevText.data = prevText.data.slice(0, -1);
      prevText = null;
      keepLeading = false;
    } else if (VOID.has(name)) {
      prevText = null;
      keepLeading = true;
    } else if (prevText) keepLeading = false;
  };
  if (root.nodeName === 'PRE') return;
  let node: HNode | null = root.firstChild;
  while (node) {
    let next: HNode | null = node.nextSibling;
    const parent: HElement = node.parentNode!;
    if (node.nodeType === TEXT) {
      const t = node as HText;
      let text = /[\t\n\r]| {2}/.test(t.data) ? t.data.replace(/[ \r\n\t]+/g, ' ') : t.data;
      if (text[0] === ' ' && !keepLeading && (!prevText || prevText.data.endsWith(' '))) text = text.slice(1);
      if (text) {
        t.data = text;
        prevText = t;
      } else parent.removeChild(t);
    } else if (node.nodeType === ELEMENT) {
      visit(node as HElement);
      if (node.nodeName !== 'PRE' && node.firstChild) next = node.firstChild;
    } else parent.removeChild(node); // comments
    // Leaving an element counts as meeting it again (a block's end trims the text before it).
    for (let up: HElement | null = next ? null : parent; up && up !== root; up = up.parentNode) {
      visit(up);
      next = up.nextSibling;
      if (next) break;
    }
    node = next;
  }
  if (prevText) {
    const last = prevText as HText;
    if (last.data.endsWith(' ')) last.data = last.data.slice(0, -1);
    if (!last.data) last.parentNode!.removeChild(last);
  }
}

/** Text of an element's subtree, from its start (forward) or its end, one text node at a time. */
function* texts(el: HElement, forward: boolean): Generator<string> {
  const first = forward ? 'firstChild' : 'lastChild';
  const next = forward ? 'nextSibling' : 'previousSibling';
  let n: HNode | null = el[first];
  while (n) {
    if (n.nodeType === TEXT) yield (n as HText).data;
    if (n.nodeType === ELEMENT && n[first]) {
      n = n[first];
      continue;
    }
    while (n && n !== el && !n[next]) n = n.parentNode;
    n = n && n !== el ? n[next] : null;
  }
}

/** The whitespace (`\s`) at the start or the end of an element's text. */
function edgeSpace(el: HElement, forward: boolean): string {
  let edge = '';
  for (const t of texts(el, forward)) {
    let i = forward ? 0 : t.length - 1;
    while (i >= 0 && i < t.length && isSpace(t.charCodeAt(i))) i += forward ? 1 : -1;
    if (forward) edge += t.slice(0, i);
    else edge = t.slice(i + 1) + edge;
    if (i >= 0 && i < t.length) break;
  }
  return edge;
}

/** Does the sibling on that side already show a space next to `el`? */
function flankedBySpace(el: HElement, forward: boolean): boolean {
  const sib = forward ? el.nextSibling : el.previousSibling;
  if (!sib) return false;
  if (sib.nodeType === TEXT) {
    const data = (sib as HText).data;
    return forward ? data.startsWith(' ') : data.endsWith(' ');
  }
  if (sib.nodeType !== ELEMENT || BLOCK.has(sib.nodeName)) return false;
  // The first (last) character of the sibling's text.
  for (const t of texts(sib as HElement, forward)) if (t) return t.charCodeAt(forward ? 0 : t.length - 1) === 32;
  return false;
}

/**
 * The whitespace an inline element moves outside its delimiters (`<b>bold </b>x` → `**bold** x`):
 * all of it at the start and the end of its text (all of a blank text goes before), less the
 * ASCII spaces a neighbour already shows on that side.
 */
export function flankingSpace(el: HElement, blank: boolean): [string, string] {
  let leading = blank ? el.textContent : edgeSpace(el, true);
  let trailing = blank ? '' : edgeSpace(el, false);
  if (leading && isAsciiSpace(leading.charCodeAt(0)) && flankedBySpace(el, false)) {
    let i = 0;
    while (i < leading.length && isAsciiSpace(leading.charCodeAt(i))) i++;
    leading = leading.slice(i);
  }
  if (trailing && isAsciiSpace(trailing.charCodeAt(trailing.length - 1)) && flankedBySpace(el, true)) {
    let i = trailing.length;
    while (i > 0 && isAsciiSpace(trailing.charCodeAt(i - 1))) i--;
    trailing = trailing.slice(0, i);
  }
  return [leading, trailing];
}
