/**
 * List items. turndown's rule (used before) padded markers to four columns and indented blank lines; this one
 * writes `- ` / `N. ` and leaves blank lines empty, so nothing trails a line.
 *
 * Numbering. An ordered list's numbers after the first mean nothing to a Markdown reader, so
 * the source's are unknowable; what is knowable is the pattern chat answers use:
 *   1. Pidgey
 *   2. Rattata
 *   Which one do you want to catch?      ← an unindented line: lazily part of item 2
 *   1. Catch Pidgey                      ← numbering restarts, but it is the same <ol>
 * An item whose own text holds a line break (kept as LINE_BREAK) was followed by such a line,
 * so the next item is numbered 1 again. In the sample this matches the source in 49 answers.
 */
import { LINE_BREAK, trimNewlines } from './text.js';
import type { HElement, HNode, HText } from './dom.js';

const BULLET = '-';
const ELEMENT = 1;
const TEXT = 3;

/** Elements that end an item's own text: nested blocks do not count. */
const NESTED_BLOCK = new Set(['OL', 'UL', 'PRE', 'P', 'BLOCKQUOTE', 'TABLE', 'DIV']);

/** The item's own (tight) text, nested blocks left out. */
function ownText(li: HElement): string {
  let text = '';
  const stack: HNode[] = [];
  for (let c = li.lastChild; c; c = c.previousSibling) stack.push(c);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.nodeType === TEXT) text += (n as HText).data;
    else if (n.nodeType === ELEMENT && !NESTED_BLOCK.has(n.nodeName)) {
      for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
    }
  }
  return text;
}

/**
 * A last line of its own that asks or introduces ("Which one?", "Day 2:") or is an outline
 * heading ("B. Culture") opens a new list. In the sample, lines ending otherwise ("…set.") were
 * continuations of the item, numbered on.
 */
const INTRO_LINE = new RegExp(`${LINE_BREAK}(?:[^${LINE_BREAK}]*[?？:：]|[A-Z][.)] [^${LINE_BREAK}]*)\\s*$`);

function endsWithIntroLine(li: HElement): boolean {
  return INTRO_LINE.test(ownText(li));
}

const numbers = new WeakMap<HNode, number>();

function previousItem(li: HElement): HElement | null {
  let prev = li.previousElementSibling;
  while (prev && prev.nodeName !== 'LI') prev = prev.previousElementSibling;
  return prev;
}

/**
 * This item's number. Items are converted in document order, so the previous one is normally
 * cached; otherwise walk back to one that is (iteratively: lists can be long).
 */
function itemNumber(li: HElement, ol: HElement): number {
  const pending: HElement[] = [];
  let item: HElement | null = li;
  while (item && !numbers.has(item)) {
    pending.push(item);
    item = previousItem(item);
  }
  let last = item; // the nearest numbered item before the pending ones, or null
  for (let i = pending.length - 1; i >= 0; i--) {
    const cur = pending[i]!;
    let n: number;
    if (!last) {
      const start = Number(ol.getAttribute('start') ?? '1');
      n = Number.isInteger(start) ? start : 1;
    } else {
      n = endsWithIntroLine(last) ? 1 : numbers.get(last)! + 1;
    }
    numbers.set(cur, n);
    last = cur;
  }
  return numbers.get(li)!;
}

/** Indent continuation lines of a list item; blank lines stay empty (no trailing spaces). */
function indentItem(content: string, width: number): string {
  return content.replace(/\n(?=[^\n])/g, '\n' + ' '.repeat(width));
}

export function listItem(content: string, node: HElement): string {
  const parent = node.parentNode as HElement | null;
  const prefix = parent && parent.nodeName === 'OL' ? `${itemNumber(node, parent)}. ` : `${BULLET} `;
  const isParagraph = /\n$/.test(content);
  const body = trimNewlines(content) + (isParagraph ? '\n' : '');
  return prefix + indentItem(body, prefix.length) + (node.nextSibling ? '\n' : '');
}

export { BULLET };
