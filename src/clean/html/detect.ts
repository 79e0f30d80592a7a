/**
 * Is an assistant turn HTML (the ChatGPT UI's `.markdown` element, as ShareGPT scraped it) or
 * already Markdown? Markdown answers may contain `<stdio.h>`, `a < b`, `Map<String, String>` or
 * even inline HTML; running them through the converter would eat those and collapse code
 * indentation (FastChat's cleaner does exactly that), so the test is deliberately narrow: the
 * turn must *start* with an element the UI emits at the top level and *end* with a closing tag.
 */

/** Elements that open a scraped answer: the `.markdown` wrapper, or Dec-2022 top-level blocks. */
const TOP_LEVEL_TAGS = new Set(['div', 'p', 'ol', 'ul', 'pre', 'table', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr']);

const OPENING = /^<([a-zA-Z][a-zA-Z0-9]*)(?=[\s>/])/;
/** The UI's answer wrapper: `<div class="markdown prose …">` (text may trail it, e.g. a ref). */
const UI_WRAPPER = /^<div\s+class="[^"]*\bmarkdown\b[^"]*"/;
const ENDS_WITH_TAG = /(?:<\/[a-zA-Z][a-zA-Z0-9]*\s*>|<hr\s*\/?>)$/;

export function looksLikeHtml(text: string): boolean {
  const s = text.trim();
  if (s.length < 3 || s.charCodeAt(0) !== 60 /* < */) return false;
  const m = OPENING.exec(s);
  if (!m) return false;
  if (UI_WRAPPER.test(s)) return true;
  const tag = m[1]!.toLowerCase();
  if (!TOP_LEVEL_TAGS.has(tag)) return false;
  if (!ENDS_WITH_TAG.test(s)) return false;
  // The opening element must be closed somewhere (a lone `<p>` typed in Markdown is not HTML).
  return tag === 'hr' || s.toLowerCase().includes(`</${tag}`);
}
