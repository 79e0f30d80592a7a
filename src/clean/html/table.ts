/**
 * GFM tables (they replaced turndown-plugin-gfm's table rules). The plugin wrote cell content as
 * is, where a `|` would split the cell and a newline end the row, and kept a table without a
 * header row as raw HTML; here both are neutralised and the first row always serves as header.
 * The delimiter row is `| --- | --- |`, or `|:--|--:|` when columns are aligned (the compact form
 * the sample's sources use for aligned tables).
 */
import type { HElement, HNode, Replacement } from './dom.js';
import { trimNewlines } from './text.js';

const ALIGN: Record<string, string> = { left: ':--', right: '--:', center: ':-:' };

/** Cell text: `|` escaped (inside code spans too, as GFM requires), lines joined. */
export function cellText(content: string): string {
  return content.replace(/\n+/g, ' ').replace(/\|/g, '\\|').trim();
}

function cells(tr: HNode): HElement[] {
  return Array.prototype.filter.call(tr.childNodes, (n: HNode) => n.nodeName === 'TD' || n.nodeName === 'TH') as HElement[];
}

const SECTION = new Set(['THEAD', 'TBODY', 'TFOOT']);

function hasRowBefore(el: HElement): boolean {
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) {
    if (s.nodeName === 'TR') return true;
    if (SECTION.has(s.nodeName) && Array.prototype.some.call(s.children, (c: HElement) => c.nodeName === 'TR')) return true;
  }
  return false;
}

/**
 * The header row: the table's first row, wherever it sits (thead, tbody or the table itself).
 * Decided from siblings only: a per-row search of the whole table is quadratic in its rows.
 */
function isHeaderRow(tr: HElement): boolean {
  if (hasRowBefore(tr)) return false;
  const parent = tr.parentNode as HElement | null;
  return !!parent && (parent.nodeName === 'TABLE' || (SECTION.has(parent.nodeName) && !hasRowBefore(parent)));
}

/** No TD/TH before it in its row (a walk back, not the row's cells: tableCell runs per cell). */
function isFirstCell(cell: HElement): boolean {
  for (let s = cell.previousElementSibling; s; s = s.previousElementSibling) if (s.nodeName === 'TD' || s.nodeName === 'TH') return false;
  return true;
}

export function tableCell(content: string, node: HElement): string {
  const first = isFirstCell(node);
  return (first ? '| ' : ' ') + cellText(content) + ' |';
}

export function tableRow(content: string, node: HElement): string {
  if (!isHeaderRow(node)) return '\n' + content;
  const aligns = cells(node).map((c) => ALIGN[(c.getAttribute('align') ?? '').toLowerCase()] ?? '');
  const delimiter = aligns.some((a) => a) ? '|' + aligns.map((a) => a || '---').join('|') + '|' : '|' + aligns.map(() => ' --- ').join('|') + '|';
  return '\n' + content + '\n' + delimiter;
}

/** Replacements by lower-case tag name. */
export const tableRules: Record<string, Replacement> = {
  // Rows are one line each; a caption or stray text must not open a blank line inside.
  table: (content) => '\n\n' + trimNewlines(content.replace(/\n{2,}/g, '\n')) + '\n\n',
  thead: (content) => content,
  tbody: (content) => content,
  tfoot: (content) => content,
  tr: tableRow,
  th: tableCell,
  td: tableCell,
};
