/**
 * A linear, DOM-free guard run before the converter. Scraped answers nested 20,000 `<div>`s
 * deep make turndown spend seconds (its per-node `textContent` is quadratic in depth) and then
 * overflow the stack (it does from about 2,000 levels); this scan rejects such a 220 KB answer
 * in about a millisecond. It counts what the converter will see as elements: tags the model
 * typed (`<QObject>`, never closed) become text first (typed-tags.ts) and nest nothing.
 */
import { isRenderedTag } from './typed-tags.js';

export interface HtmlLimits {
  /** Deepest element nesting accepted. */
  maxDepth?: number;
  /** Largest turn accepted, in UTF-8 bytes. */
  maxBytes?: number;
}

export interface HtmlLimitViolation {
  reason: 'too_deep' | 'too_large';
  detail: string;
}

/**
 * Defaults, from the sample (`node scripts/score-html.mjs --limits` prints the distribution):
 * real answers nest at most 10 elements deep (p99 7) and weigh at most 6,950 bytes (p99 3.7 KB);
 * the planted ones nest 20,000 deep. 256 levels is 25× the deepest real answer, converts in
 * tens of milliseconds and stays far below where turndown's recursion overflows (~2,000).
 * 1 MiB is 150× the largest real answer (long code answers reach tens of KB) and converts in
 * well under a second, since conversion is linear in size.
 */
export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Elements that never have content, so never add a level. */
const VOID = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source',
  'track', 'wbr', 'command', 'keygen',
]);

const TAG = /<(\/?)([a-zA-Z][^\s/>]*)[^>]*>|<!--[\s\S]*?(?:-->|$)/g;

/** UTF-8 length without allocating a buffer (strings are UTF-16). */
function utf8Length(s: string, stopAfter: number): number {
  // Fast bound: every UTF-16 unit is at most 3 UTF-8 bytes.
  if (s.length * 3 <= stopAfter) return s.length;
  return Buffer.byteLength(s, 'utf8');
}

interface DepthScan {
  deepest: number;
  /** Where the scan stopped because `stopAbove` was passed, else -1. */
  offset: number;
  tag: string;
}

/** One pass over the tags, counting open elements; stops as soon as depth exceeds `stopAbove`. */
function scanDepth(html: string, stopAbove: number): DepthScan {
  let depth = 0;
  let deepest = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    const name = m[2];
    if (name === undefined) continue; // comment
    // Typed tags (`<QObject>`, `<style>`) become text before parsing (typed-tags.ts): no level.
    if (!isRenderedTag(name)) continue;
    const tag = name.toLowerCase();
    if (m[1]) {
      if (depth > 0 && !VOID.has(tag)) depth--;
      continue;
    }
    if (VOID.has(tag) || m[0].endsWith('/>')) continue;
    depth++;
    if (depth > deepest) deepest = depth;
    if (depth > stopAbove) return { deepest, offset: m.index, tag };
  }
  return { deepest, offset: -1, tag: '' };
}

export function checkHtmlLimits(html: string, limits: HtmlLimits = {}): HtmlLimitViolation | null {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = utf8Length(html, maxBytes);
  if (bytes > maxBytes) {
    return {
      reason: 'too_large',
      detail: `HTML turn is ${bytes} bytes, over the limit of ${maxBytes} (raise maxBytes to accept it)`,
    };
  }
  const scan = scanDepth(html, maxDepth);
  if (scan.offset >= 0) {
    return {
      reason: 'too_deep',
      detail: `HTML nests more than ${maxDepth} elements deep (<${scan.tag}> at offset ${scan.offset}); a real answer nests far less`,
    };
  }
  return null;
}

/** Deepest element nesting of `html` (same scan), for reports and for choosing limits. */
export function htmlDepth(html: string): number {
  return scanDepth(html, Number.POSITIVE_INFINITY).deepest;
}
