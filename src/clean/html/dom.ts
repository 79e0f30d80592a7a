/**
 * The small DOM the converter works on: exactly the parts that parse5's tree builder, prepare.ts
 * and the serializer (markdown.ts) use, as plain classes with fields. A general DOM (domino, linkedom) spent half of
 * clean's CPU on accessors, live collections and attribute objects; here siblings and children are
 * a linked list (O(1) insert and remove), attributes an array, and nothing is computed twice.
 * Semantics follow the DOM standard for what is implemented: an HTML element's nodeName is its
 * upper-cased local name, a foreign (SVG, MathML) element's keeps its case; textContent is the
 * text and CDATA of the subtree, comments left out.
 */

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const COMMENT_NODE = 8;

export const HTML_NS = 'http://www.w3.org/1999/xhtml';

export interface Attr {
  name: string;
  value: string;
}

/** The node after `n` in document order inside `root` (iterative: answers nest deeper than the stack). */
function following(n: HNode, root: HNode): HNode | null {
  if (n.firstChild) return n.firstChild;
  let cur: HNode | null = n;
  while (cur && cur !== root && !cur.nextSibling) cur = cur.parentNode;
  return cur && cur !== root ? cur.nextSibling : null;
}

/** The first element from `n` on, walking forward (nextSibling) or back (previousSibling). */
function elementFrom(n: HNode | null, forward: boolean): HElement | null {
  while (n && n.nodeType !== ELEMENT_NODE) n = forward ? n.nextSibling : n.previousSibling;
  return n as HElement | null;
}

export abstract class HNode {
  abstract readonly nodeType: number;
  abstract readonly nodeName: string;
  parentNode: HElement | null = null;
  previousSibling: HNode | null = null;
  nextSibling: HNode | null = null;
  firstChild: HNode | null = null;
  lastChild: HNode | null = null;

  get ownerDocument(): HDocument {
    return document;
  }

  get parentElement(): HElement | null {
    return this.parentNode;
  }

  abstract get textContent(): string;

  get childNodes(): HNode[] {
    const out: HNode[] = [];
    for (let c = this.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  remove(): void {
    this.parentNode?.removeChild(this);
  }
}

export class HText extends HNode {
  readonly nodeType: number = TEXT_NODE;
  readonly nodeName: string = '#text';
  constructor(public data: string) {
    super();
  }
  get nodeValue(): string {
    return this.data;
  }
  set nodeValue(v: string) {
    this.data = v;
  }
  get textContent(): string {
    return this.data;
  }
}

export class HComment extends HNode {
  readonly nodeType: number = COMMENT_NODE;
  readonly nodeName: string = '#comment';
  constructor(public data: string) {
    super();
  }
  get nodeValue(): string {
    return this.data;
  }
  get textContent(): string {
    return this.data;
  }
}

export class HElement extends HNode {
  readonly nodeType: number = ELEMENT_NODE;
  readonly nodeName: string;
  /** A `<template>`'s contents: not children, as in the DOM. */
  content: HElement | null = null;
  constructor(
    readonly localName: string,
    readonly namespaceURI: string = HTML_NS,
    public attrs: Attr[] = [],
  ) {
    super();
    this.nodeName = namespaceURI === HTML_NS ? localName.toUpperCase() : localName;
  }

  get tagName(): string {
    return this.nodeName;
  }

  get textContent(): string {
    let out = '';
    for (let n = this.firstChild; n; n = following(n, this)) if (n.nodeType === TEXT_NODE) out += (n as HText).data;
    return out;
  }

  get children(): HElement[] {
    const out: HElement[] = [];
    for (let c = this.firstChild; c; c = c.nextSibling) if (c.nodeType === ELEMENT_NODE) out.push(c as HElement);
    return out;
  }

  get firstElementChild(): HElement | null {
    return elementFrom(this.firstChild, true);
  }

  get lastElementChild(): HElement | null {
    return elementFrom(this.lastChild, false);
  }

  get className(): string {
    return this.getAttribute('class') ?? '';
  }

  get previousElementSibling(): HElement | null {
    return elementFrom(this.previousSibling, false);
  }

  get nextElementSibling(): HElement | null {
    return elementFrom(this.nextSibling, true);
  }

  /** HTMLInputElement's reflected `type` and `checked`, read by the task-list rule (markdown.ts). */
  get type(): string | undefined {
    return this.localName === 'input' ? (this.getAttribute('type') ?? 'text').toLowerCase() : undefined;
  }

  get checked(): boolean {
    return this.localName === 'input' && this.hasAttribute('checked');
  }

  getAttribute(name: string): string | null {
    for (const a of this.attrs) if (a.name === name) return a.value;
    return null;
  }

  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== null;
  }

  setAttribute(name: string, value: string): void {
    for (const a of this.attrs) {
      if (a.name === name) {
        a.value = value;
        return;
      }
    }
    this.attrs.push({ name, value });
  }

  /**
   * Descendants with this name, in document order (a snapshot, not a live collection); HTML
   * elements match case-insensitively, foreign ones exactly (as in the DOM).
   */
  getElementsByTagName(name: string): HElement[] {
    const out: HElement[] = [];
    const all = name === '*';
    const lower = name.toLowerCase();
    for (let n = this.firstChild; n; n = following(n, this)) {
      if (n.nodeType !== ELEMENT_NODE) continue;
      const el = n as HElement;
      if (all || el.localName === (el.namespaceURI === HTML_NS ? lower : name)) out.push(el);
    }
    return out;
  }

  /** Table rows in order, as HTMLTableElement.rows (direct and in thead/tbody/tfoot). */
  get rows(): HElement[] {
    const out: HElement[] = [];
    for (const c of this.children) {
      if (c.localName === 'tr') out.push(c);
      else if (c.localName === 'thead' || c.localName === 'tbody' || c.localName === 'tfoot') for (const r of c.children) if (r.localName === 'tr') out.push(r);
    }
    return out;
  }

  /** Text before `before` (null: at the end), merged into the text node already there, as parsers build it. */
  appendText(text: string, before: HNode | null = null): void {
    const prev = before ? before.previousSibling : this.lastChild;
    if (prev && prev.nodeType === TEXT_NODE) (prev as HText).data += text;
    else this.insertBefore(new HText(text), before);
  }

  appendChild<T extends HNode>(node: T): T {
    return this.insertBefore(node, null);
  }

  insertBefore<T extends HNode>(node: T, ref: HNode | null): T {
    node.parentNode?.removeChild(node);
    const prev = ref ? ref.previousSibling : this.lastChild;
    node.parentNode = this;
    node.previousSibling = prev;
    node.nextSibling = ref;
    if (prev) prev.nextSibling = node;
    else this.firstChild = node;
    if (ref) ref.previousSibling = node;
    else this.lastChild = node;
    return node;
  }

  removeChild<T extends HNode>(node: T): T {
    if (node.parentNode !== this) throw new Error('removeChild: not a child of this element');
    const { previousSibling: prev, nextSibling: next } = node;
    if (prev) prev.nextSibling = next;
    else this.firstChild = next;
    if (next) next.previousSibling = prev;
    else this.lastChild = prev;
    node.parentNode = null;
    node.previousSibling = null;
    node.nextSibling = null;
    return node;
  }

  replaceChild<T extends HNode>(node: HNode, old: T): T {
    const next = old.nextSibling === node ? node.nextSibling : old.nextSibling;
    this.removeChild(old);
    this.insertBefore(node, next);
    return old;
  }
}

/** The one document every node belongs to: a factory, nothing more. */
export class HDocument {
  createElement(name: string): HElement {
    return new HElement(name.toLowerCase());
  }
  createTextNode(data: string): HText {
    return new HText(data);
  }
}

const document = new HDocument();

/** A Markdown rule (markdown.ts): the element's Markdown from that of its children. */
export type Replacement = (content: string, node: HElement) => string;
