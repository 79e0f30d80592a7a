/**
 * Links, as written. A link whose text is its own address was an autolink in the source (a bare
 * URL or `<url>`), and comes back as one instead of `[https://x](https://x)`: bare where a strict
 * GFM reader (cmark-gfm) links it again (after a space or `(`, before a space, the end or closing
 * punctuation), else as `<url>`, which reads back wherever it stands (a bare URL glued to CJK text
 * would swallow it). `www.` links and e-mail addresses are bare where GFM reads them back, else
 * explicit links. Hrefs the renderer percent-encoded (`q=AI%E7%BB%98%E7%94%BB`) come back as typed
 * (`q=AI绘画`). Destinations keep their parentheses when balanced (Wikipedia's
 * `..._(disambiguation)`); turndown, used before, backslashed them.
 */

import { LINE_BREAK } from './text.js';
import type { HElement, HNode, HText } from './dom.js';

const TEXT_NODE = 3;
/** GFM recognises a bare URL only after these (or at a line start). */
const BARE_BEFORE = new RegExp(`[\\s(*_~${LINE_BREAK}]$`);
/**
 * …and runs it to the next whitespace, then trims trailing punctuation (and an unbalanced `)`)
 * off it: only such a run may follow before whitespace or the end.
 */
const BARE_AFTER = new RegExp(`^[?!.,:;*_~'")\\]]*(?:$|[\\s${LINE_BREAK}])`);
const TRAILING_PUNCT = /[.,;:!?'")*_~]$/;

/**
 * An href as the source wrote it: the renderer percent-encodes what a URL may not hold
 * (non-ASCII, spaces). Decoded only where encoding the result again gives the same href back, and
 * only to ASCII and letters, marks and digits of any script (`绘画`, `é`): whitespace must stay
 * encoded, and typographic punctuation (Wikipedia's `Fowler%E2%80%93Noll`, an en dash) comes
 * from addresses copied from a browser, encoded (the sample's sources have both).
 */
/** A character decoding must not produce (a negated class: a `(a|b)*` form backtracks badly). */
const NOT_DECODABLE = /[^!-~\p{L}\p{M}\p{N}]/u;

export function hrefAsWritten(href: string): string {
  if (!href.includes('%')) return href;
  let decoded: string;
  try {
    decoded = decodeURI(href);
  } catch {
    return href; // malformed escapes: as is
  }
  if (decoded === href || NOT_DECODABLE.test(decoded)) return href;
  return encodeURI(decoded) === href ? decoded : href;
}

function neighbourText(node: HNode, side: 'previousSibling' | 'nextSibling'): string | null {
  const sib = node[side];
  if (!sib) return null; // start or end of the element: treat as a line edge
  if (sib.nodeType === TEXT_NODE) return (sib as HText).data;
  return sib.textContent ?? '';
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** A link destination as CommonMark reads it back. */
export function destination(href: string): string {
  if (/[\s<>]/.test(href) || !balanced(href)) return `<${href.replace(/([<>])/g, '\\$1')}>`;
  return href;
}

/** The text a reader saw, if the link was written as an autolink; else null. */
function autolinkText(text: string, href: string, written: string): string | null {
  if (!text || /\s/.test(text)) return null;
  if (text === href || text === written) return /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : null;
  if (href === `mailto:${text}` && text.includes('@')) return text;
  if (href === `http://${text}` && text.startsWith('www.')) return text; // GFM `www.` autolink
  return null;
}

function bareReadsBack(text: string, node: HNode): boolean {
  const before = neighbourText(node, 'previousSibling');
  const after = neighbourText(node, 'nextSibling');
  return (before === null || before === '' || BARE_BEFORE.test(before)) && (after === null || BARE_AFTER.test(after)) && !TRAILING_PUNCT.test(text) && !/[<>]/.test(text);
}

function autolink(text: string, href: string, node: HNode): string {
  // No scheme (`www.`) or an e-mail: bare where GFM reads it back, else an explicit link.
  if (text.startsWith('www.') || href.startsWith('mailto:')) {
    return bareReadsBack(text, node) ? text : `[${text}](${destination(href)})`;
  }
  if (bareReadsBack(text, node) && balanced(text)) return text;
  if (!/[<>\s]/.test(text)) return `<${text}>`;
  return `[${text}](${destination(href)})`;
}

export function linkReplacement(content: string, node: HElement): string {
  const raw = node.getAttribute('href');
  if (!raw) return content;
  const href = hrefAsWritten(raw);
  const title = node.getAttribute('title');
  const auto = title ? null : autolinkText(node.textContent ?? '', raw, href);
  // Only when the link holds nothing but its text (no emphasis, no image inside).
  if (auto !== null && content === auto) return autolink(auto, href, node);
  const titlePart = title ? ` "${title.replace(/\n+/g, ' ').replace(/"/g, '\\"')}"` : '';
  return `[${content}](${destination(href)}${titlePart})`;
}

/** Images: turndown's rule (used before) backslash-escaped the alt text (`snake\_case`); the alt was typed as is. */
export function imageReplacement(_content: string, node: HElement): string {
  const rawSrc = node.getAttribute('src');
  if (!rawSrc) return '';
  const src = hrefAsWritten(rawSrc);
  const alt = (node.getAttribute('alt') ?? '').replace(/\s*\n\s*/g, ' ');
  const title = node.getAttribute('title');
  const titlePart = title ? ` "${title.replace(/\n+/g, ' ').replace(/"/g, '\\"')}"` : '';
  return `![${alt}](${destination(src)}${titlePart})`;
}
