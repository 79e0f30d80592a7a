/**
 * Links. A link whose text is its own address was an autolink in the source (a bare URL or
 * `<url>`), and comes back as one instead of `[https://x](https://x)`: as `<url>`, which reads
 * back the same wherever it stands (a bare URL glued to CJK text would swallow it), and which is
 * the sample's own majority form (54 of 65 autolinks). `www.` links and e-mail addresses
 * are bare where GFM reads them back, else explicit links. Destinations keep their parentheses when balanced (Wikipedia's
 * `..._(disambiguation)`); turndown would backslash them.
 */

const TEXT_NODE = 3;
/** GFM recognises a bare URL only after these (or at a line start). */
const BARE_BEFORE = /[\s(*_~]$/;
/** …and ends it at whitespace; these trailing characters are trimmed off it, so may follow. */
const BARE_AFTER = /^(?:$|[\s)\].,;:!?'"])/;
const TRAILING_PUNCT = /[.,;:!?'")*_~]$/;

function neighbourText(node: Node, side: 'previousSibling' | 'nextSibling'): string | null {
  const sib = node[side];
  if (!sib) return null; // start or end of the element: treat as a line edge
  if (sib.nodeType === TEXT_NODE) return (sib as Text).data;
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
function autolinkText(text: string, href: string): string | null {
  if (!text || /\s/.test(text)) return null;
  if (text === href) return /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : null;
  if (href === `mailto:${text}` && text.includes('@')) return text;
  if (href === `http://${text}` && text.startsWith('www.')) return text; // GFM `www.` autolink
  return null;
}

function bareReadsBack(text: string, node: Node): boolean {
  const before = neighbourText(node, 'previousSibling');
  const after = neighbourText(node, 'nextSibling');
  return (
    (before === null || before === '' || BARE_BEFORE.test(before)) &&
    (after === null || BARE_AFTER.test(after)) &&
    !TRAILING_PUNCT.test(text) &&
    !/[<>]/.test(text)
  );
}

function autolink(text: string, href: string, node: Node): string {
  // No scheme (`www.`) or an e-mail: bare where GFM reads it back, else an explicit link.
  if (text.startsWith('www.') || href.startsWith('mailto:')) {
    return bareReadsBack(text, node) ? text : `[${text}](${destination(href)})`;
  }
  if (!/[<>\s]/.test(text)) return `<${text}>`;
  return `[${text}](${destination(href)})`;
}

export function linkReplacement(content: string, node: HTMLElement): string {
  const href = node.getAttribute('href');
  if (!href) return content;
  const title = node.getAttribute('title');
  const auto = title ? null : autolinkText(node.textContent ?? '', href);
  // Only when the link holds nothing but its text (no emphasis, no image inside).
  if (auto !== null && content === auto) return autolink(auto, href, node);
  const titlePart = title ? ` "${title.replace(/\n+/g, ' ').replace(/"/g, '\\"')}"` : '';
  return `[${content}](${destination(href)}${titlePart})`;
}

/** Images: turndown's rule backslash-escapes the alt text (`snake\_case`); the alt was typed as is. */
export function imageReplacement(_content: string, node: HTMLElement): string {
  const src = node.getAttribute('src');
  if (!src) return '';
  const alt = (node.getAttribute('alt') ?? '').replace(/\s*\n\s*/g, ' ');
  const title = node.getAttribute('title');
  const titlePart = title ? ` "${title.replace(/\n+/g, ' ').replace(/"/g, '\\"')}"` : '';
  return `![${alt}](${destination(src)}${titlePart})`;
}
