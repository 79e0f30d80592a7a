/**
 * A linear, DOM-free guard run before the converter (and on Markdown answers, for depth: an
 * answer of unclosed tags is not detected as HTML, yet must not pass as text either).
 * Scraped answers nested 20,000 `<div>`s deep are past what the converter accepts (it recurses
 * once per level, up to MAX_NESTING, 2,000, markdown.ts); this scan rejects such a 220 KB answer
 * in about a millisecond. It counts what the converter will see as elements: tags the model
 * typed (`<QObject>`, never closed) become text first (typed-tags.ts) and nest nothing.
 */
import { isRenderedTag } from './typed-tags.js';

export interface HtmlLimits {
  /** Deepest element nesting accepted; unclosed elements count (`too_deep`). */
  maxDepth?: number;
  /** Largest turn accepted, in UTF-8 bytes (`too_large`). */
  maxBytes?: number;
  /** Most cells in one table (`too_many_cells`): a DOM cell costs ~1 KB of heap. */
  maxTableCells?: number;
  /** Most attributes on one element (`too_many_attributes`). */
  maxAttributes?: number;
  /** Most elements in the turn: the converter's work is linear in them (`too_complex`). */
  maxElements?: number;
}

export type HtmlLimitReason = 'too_deep' | 'too_large' | 'too_many_cells' | 'too_many_attributes' | 'too_complex';

export interface HtmlLimitViolation {
  reason: HtmlLimitReason;
  detail: string;
}

/**
 * Defaults, from the sample (`node scripts/score-html.mjs --limits` prints the distribution):
 * real answers nest at most 10 elements deep (p99 7) and weigh at most 6,950 bytes (p99 3.7 KB);
 * the planted ones nest 20,000 deep. 256 levels is 25× the deepest real answer, converts in
 * tens of milliseconds and stays far below the converter's MAX_NESTING (2,000).
 * 1 MiB is 150× the largest real answer (long code answers reach tens of KB) and converts in
 * well under a second, since conversion is linear in size.
 * Cells, attributes and elements bound the heap a worker needs (128 MB old space, exec/pool.ts):
 * the sample's largest table has 68 cells, its busiest element 10 attributes (an `<svg>`), its
 * largest answer 169 elements; a 4,000×50 table (200,000 cells, 3.3 MB) would take over
 * 300 MB as a DOM and is refused before parsing.
 */
export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_TABLE_CELLS = 10_000;
export const DEFAULT_MAX_ATTRIBUTES = 64;
export const DEFAULT_MAX_ELEMENTS = 100_000;

/** Elements that never have content, so never add a level. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'command', 'keygen']);

const TAG = /<(\/?)([a-zA-Z][^\s/>]*)[^>]*>|<!--[\s\S]*?(?:-->|$)/g;
/** One attribute: a name, optionally `= value` (quoted or not). */
const ATTRIBUTE = /[\s"'](?:[^\s"'=<>/`]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?/g;

/** UTF-8 length without allocating a buffer (strings are UTF-16). */
export function utf8Length(s: string, stopAfter: number): number {
  // Fast bound: every UTF-16 unit is at most 3 UTF-8 bytes.
  if (s.length * 3 <= stopAfter) return s.length;
  return Buffer.byteLength(s, 'utf8');
}

export interface HtmlScan {
  deepest: number;
  /** Elements (start tags the converter keeps as elements) seen. */
  elements: number;
  /** Cells of the largest table seen. */
  maxCells: number;
  /** The first limit passed, or null. */
  violation: HtmlLimitViolation | null;
}

function attributeCount(tag: string): number {
  ATTRIBUTE.lastIndex = 0;
  let n = 0;
  // Skip `<name`: the first match would otherwise be the name's last letters.
  const body = tag.slice(tag.search(/[\s/>]/));
  for (let m = ATTRIBUTE.exec(body); m; m = ATTRIBUTE.exec(body)) n++;
  return n;
}

/**
 * One pass over the tags: depth (an unclosed element stays open: 5,000 `<span>`s never closed are
 * 5,000 levels), cells per table, attributes per element, elements in all. Stops at the first
 * limit passed. Typed tags (`<QObject>`, `<style>`) become text before parsing (typed-tags.ts):
 * they count for nothing.
 */
export function scanHtml(html: string, limits: HtmlLimits = {}): HtmlScan {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxCells = limits.maxTableCells ?? DEFAULT_MAX_TABLE_CELLS;
  const maxAttributes = limits.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
  const maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  // An element needs at least two characters per attribute (` a`): shorter tags are not counted.
  const attrCheckFrom = 2 * maxAttributes;
  const tables: number[] = []; // cells so far of each open table
  const scan: HtmlScan = { deepest: 0, elements: 0, maxCells: 0, violation: null };
  let depth = 0;
  const stop = (reason: HtmlLimitReason, detail: string): HtmlScan => ((scan.violation = { reason, detail }), scan);
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    const name = m[2];
    if (name === undefined || !isRenderedTag(name)) continue; // comment or typed tag
    const tag = name.toLowerCase();
    if (m[1]) {
      if (depth > 0 && !VOID.has(tag)) depth--;
      if (tag === 'table' && tables.length > 0) tables.pop();
      continue;
    }
    scan.elements++;
    if (scan.elements > maxElements) {
      return stop('too_complex', `HTML has more than ${maxElements} elements (at offset ${m.index}); raise maxElements to accept it`);
    }
    if (m[0].length > attrCheckFrom && attributeCount(m[0]) > maxAttributes) {
      return stop('too_many_attributes', `<${tag}> at offset ${m.index} has more than ${maxAttributes} attributes`);
    }
    if (tag === 'table') tables.push(0);
    else if ((tag === 'td' || tag === 'th') && tables.length > 0) {
      const cells = ++tables[tables.length - 1]!;
      if (cells > scan.maxCells) scan.maxCells = cells;
      if (cells > maxCells) {
        return stop('too_many_cells', `a table has more than ${maxCells} cells (at offset ${m.index}); raise maxTableCells to accept it`);
      }
    }
    if (VOID.has(tag) || m[0].endsWith('/>')) continue;
    depth++;
    if (depth > scan.deepest) scan.deepest = depth;
    if (depth > maxDepth) {
      return stop('too_deep', `HTML nests more than ${maxDepth} elements deep (<${tag}> at offset ${m.index}, unclosed elements count); a real answer nests far less`);
    }
  }
  return scan;
}

/** Size, then the tag scan: every limit, and the element count the work budget is charged. */
export function measureHtml(html: string, limits: HtmlLimits = {}): HtmlScan {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = utf8Length(html, maxBytes);
  if (bytes > maxBytes) {
    const detail = `HTML turn is ${bytes} bytes, over the limit of ${maxBytes} (raise maxBytes to accept it)`;
    return { deepest: 0, elements: 0, maxCells: 0, violation: { reason: 'too_large', detail } };
  }
  return scanHtml(html, limits);
}

export function checkHtmlLimits(html: string, limits: HtmlLimits = {}): HtmlLimitViolation | null {
  return measureHtml(html, limits).violation;
}

/** Deepest element nesting of `html` (same scan), for reports and for choosing limits. */
export function htmlDepth(html: string): number {
  const inf = Number.POSITIVE_INFINITY;
  return scanHtml(html, { maxDepth: inf, maxTableCells: inf, maxAttributes: inf, maxElements: inf }).deepest;
}
