/**
 * The Markdown serializer: a prepared tree (prepare.ts) → Markdown, in one recursive pass.
 *
 * It replaced turndown (with turndown-plugin-gfm's strikethrough and task lists) and gives the
 * same bytes; what it keeps of that model, because the output depends on it:
 * - whitespace is first collapsed as a browser would lay it out (whitespace.ts);
 * - each element's Markdown is its children's, joined so that the newlines between two pieces
 *   are the most either side asks for, at most two (Joiner), then passed to its rule;
 * - an element with only whitespace and nothing that shows when empty is "blank" and becomes a
 *   blank line or nothing;
 * - an inline element's leading and trailing whitespace moves outside its delimiters
 *   (`<b>bold </b>x` → `**bold** x`), unless a neighbour already has the space (whitespace.ts).
 * Where turndown recomputed the text of every subtree per node (quadratic) and scanned its rule
 * list per node, this keeps what the children report and looks rules up by name.
 */
import { fencedBlock } from './code-block.js';
import { imageReplacement, linkReplacement } from './links.js';
import { listItem } from './lists.js';
import { isBackslashBreak, preparedFence } from './prepare.js';
import { tableRules } from './table.js';
import { restoreBreaks, trimNewlines } from './text.js';
import { BLOCK, collapseWhitespace, flankingSpace, isSpace, keepsAncestor, SHOWS_EMPTY, VOID } from './whitespace.js';
import type { HElement, HNode, HText, Replacement } from './dom.js';

const ELEMENT = 1;
const TEXT = 3;

/** Depth past which an answer is refused (the converter recurses once per level). */
export const MAX_NESTING = 2000;

/** Appends pieces; the newlines where two meet are the most either has, at most two. */
class Joiner {
  body = '';
  newlines = 0; // trailing newlines, kept apart so that joining never re-scans the body
  add(piece: string): void {
    let start = 0;
    while (piece.charCodeAt(start) === 10) start++;
    let end = piece.length;
    while (end > start && piece.charCodeAt(end - 1) === 10) end--;
    const gap = Math.min(2, Math.max(this.newlines, start));
    if (end === start) {
      this.newlines = gap;
      return;
    }
    this.body += (gap === 0 ? '' : gap === 1 ? '\n' : '\n\n') + (start === 0 && end === piece.length ? piece : piece.slice(start, end));
    this.newlines = piece.length - end;
  }
  text(): string {
    return this.newlines === 0 ? this.body : this.body + '\n'.repeat(this.newlines);
  }
}

/** A GFM cell is one line: a `<br>` there was typed as HTML in the source, and stays HTML. */
function inTableCell(node: HNode): boolean {
  for (let n = node.parentNode; n; n = n.parentNode) {
    if (n.nodeName === 'TD' || n.nodeName === 'TH') return true;
    if (n.nodeName === 'TABLE' || n.nodeName === 'P' || n.nodeName === 'LI') return false;
  }
  return false;
}

/**
 * Elsewhere a hard break: ` \\` when the HTML kept a space before it (the renderer keeps the
 * space of `x \\` + newline but strips the spaces of `x  ` + newline), else two spaces, the form
 * the sample's sources use 21 times out of 23; both read back as the same `<br>`.
 */
function lineBreak(_content: string, node: HElement): string {
  if (inTableCell(node)) return '<br>';
  return isBackslashBreak(node) ? ' \\\n' : '  \n';
}

const block = (content: string): string => `\n\n${content}\n\n`;
const wrapped = (mark: string) => (content: string) => (content.trim() ? mark + content + mark : '');

/** Inline code: a backtick run longer than any inside, padded when the content needs it. */
function codeSpan(content: string, node: HElement): string {
  const parent = node.parentNode;
  if (parent?.nodeName === 'PRE' && !node.previousSibling && !node.nextSibling) return content;
  if (!content) return '';
  const code = content.replace(/\r?\n|\r/g, ' ');
  const pad = /^`|^ .*?[^ ].* $|`$/.test(code) ? ' ' : '';
  const runs = new Set(code.match(/`+/g));
  let fence = '`';
  while (runs.has(fence)) fence += '`';
  return fence + pad + code + pad + fence;
}

/** Rules by lower-case tag name (code blocks, math and task lists are decided before). */
const RULES = new Map<string, Replacement>([
  ...Object.entries(tableRules),
  ['img', imageReplacement],
  ['br', lineBreak],
  ['li', listItem],
  ['del', (c) => `~${c}~`], // single `~`: the sample's `<del>`s came from a C++ `~Updater() … ~Data()`
  ['s', (c) => `~${c}~`],
  ['strike', (c) => `~${c}~`],
  ['p', block],
  ['blockquote', (c) => block(trimNewlines(c).replace(/^/gm, '> '))],
  ['ul', list],
  ['ol', list],
  ['hr', () => '\n\n---\n\n'],
  ['em', wrapped('*')], // `*` works inside words, `_` does not (snake_case)
  ['i', wrapped('*')],
  ['strong', wrapped('**')],
  ['b', wrapped('**')],
  ['button', () => ''], // the UI's copy button and icons outside code blocks are chrome
  ['svg', () => ''],
]);
for (let level = 1; level <= 6; level++) RULES.set(`h${level}`, (c) => `\n\n${'#'.repeat(level)} ${c}\n\n`);

function list(content: string, node: HElement): string {
  const parent = node.parentNode;
  return parent?.nodeName === 'LI' && parent.lastElementChild === node ? `\n${content}` : block(content);
}

/** RULES by nodeName (lower-casing each name once, not per element). */
const byNodeName = new Map<string, Replacement | null>();

function replacement(content: string, el: HElement, isBlock: boolean): string {
  const name = el.nodeName;
  if (name === 'PRE') return preparedFence(el) ?? fencedBlock(el);
  if (name.startsWith('X-SFTFORGE-MATH')) return preparedFence(el) ?? ''; // math placeholders
  if (name === 'A') return el.getAttribute('href') === null ? content : linkReplacement(content, el);
  if (name === 'CODE') return codeSpan(content, el);
  if (el.type === 'checkbox' && el.parentNode?.nodeName === 'LI') return el.checked ? '[x] ' : '[ ] ';
  let rule = byNodeName.get(name);
  if (rule === undefined) {
    rule = RULES.get(name.toLowerCase()) ?? null;
    if (byNodeName.size < 512) byNodeName.set(name, rule); // names come from the input: bounded
  }
  if (rule) return rule(content, el);
  return isBlock ? block(content) : content;
}

/** What the last converted element tells its parent: is its text blank, does it hold something that shows? */
let blankText = true;
let holdsShown = false;

/** The Markdown of `el`'s children, joined; leaves blankText/holdsShown describing them. */
function children(el: HElement, inCode: boolean, depth: number): string {
  if (depth > MAX_NESTING) throw new RangeError(`more than ${MAX_NESTING} levels`);
  const out = new Joiner();
  let blank = true;
  let shown = false;
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === TEXT) {
      const data = (c as HText).data;
      if (blank && data) {
        for (let i = 0; i < data.length && blank; i++) if (!isSpace(data.charCodeAt(i))) blank = false;
      }
      out.add(inCode ? data : restoreBreaks(data));
    } else if (c.nodeType === ELEMENT) {
      out.add(element(c as HElement, inCode, depth + 1));
      blank &&= blankText;
      shown ||= holdsShown || keepsAncestor(c as HElement);
    }
  }
  blankText = blank;
  holdsShown = shown;
  return out.text();
}

function element(el: HElement, parentInCode: boolean, depth: number): string {
  const name = el.nodeName;
  let content = children(el, parentInCode || name === 'CODE', depth);
  const blank = blankText && !holdsShown && !VOID.has(name) && !SHOWS_EMPTY.has(name);
  const isBlock = BLOCK.has(name);
  let leading = '';
  let trailing = '';
  if (!isBlock) {
    [leading, trailing] = flankingSpace(el, blankText);
    if (leading || trailing) content = content.trim();
  }
  // blankText/holdsShown still describe `el` for its parent: no rule converts elements.
  if (blank) return leading + (name === 'PRE' ? (preparedFence(el) ?? fencedBlock(el)) : isBlock ? '\n\n' : '') + trailing;
  return leading + replacement(content, el, isBlock) + trailing;
}

/** The Markdown of a prepared tree (trimmed by the caller). The tree's whitespace is collapsed in place. */
export function serialize(root: HElement): string {
  collapseWhitespace(root);
  return children(root, false, 0);
}
