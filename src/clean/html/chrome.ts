/**
 * UI chrome of the 2024–25 ChatGPT pages outside code blocks, reduced to what a reader of the
 * answer's Markdown would see: a web answer's citation pill (`data-testid="webpage-citation-pill"`,
 * a link holding a favicon, a site label and a `+2` counter) becomes `[label](url)`; a link-preview
 * card (a link wrapping blocks: favicon, title, domain, snippet) becomes `[title](url)`. Buttons and
 * icons go (markdown.ts drops them); `data-*` and class attributes never reach the Markdown.
 */
import type { HDocument, HElement, HNode, HText } from './dom.js';

const ELEMENT = 1;
const TEXT = 3;

/** Inside a link, these make it a card rather than inline text. */
const CARD_PARTS = new Set(['div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'figure', 'section', 'article']);
/** Never part of a label. */
const SKIP = new Set(['img', 'svg', 'button', 'picture', 'source', 'script', 'style']);
/** A citation pill's "+2" (more sources) counter. */
const COUNTER = /^\+\d+$/;

/** Trimmed text runs of `el` in document order, chrome left out (iterative). */
function textRuns(el: HElement, limit: number): string[] {
  const runs: string[] = [];
  const stack: HNode[] = [];
  for (let c = el.lastChild; c; c = c.previousSibling) stack.push(c);
  while (stack.length > 0 && runs.length < limit) {
    const n = stack.pop()!;
    if (n.nodeType === TEXT) {
      const t = (n as HText).data.replace(/\s+/g, ' ').trim();
      if (t && !COUNTER.test(t)) runs.push(t);
    } else if (n.nodeType === ELEMENT && !SKIP.has((n as HElement).localName)) {
      for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
    }
  }
  return runs;
}

function firstLink(el: HElement): HElement | null {
  if (el.localName === 'a' && el.getAttribute('href')) return el;
  const links = el.getElementsByTagName('a');
  for (let i = 0; i < links.length; i++) if (links[i]!.getAttribute('href')) return links[i]!;
  return null;
}

/** A plain `<a href>label</a>` standing for a pill or a card. */
function plainLink(doc: HDocument, href: string, label: string): HElement {
  const a = doc.createElement('a');
  a.setAttribute('href', href);
  a.appendChild(doc.createTextNode(label));
  return a;
}

function isCitationPill(el: HElement): boolean {
  const id = el.getAttribute('data-testid');
  return id !== null && /citation-pill|webpage-citation/.test(id);
}

function hasDecorativeImage(a: HElement): boolean {
  const imgs = a.getElementsByTagName('img');
  for (let i = 0; i < imgs.length; i++) if (!(imgs[i]!.getAttribute('alt') ?? '').trim()) return true;
  return false;
}

/** Does this link wrap blocks (a preview card) rather than text? */
function isCard(a: HElement): boolean {
  for (let c = a.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === ELEMENT && CARD_PARTS.has((c as HElement).localName)) return true;
  }
  return false;
}

/**
 * What replaces `el`: a plain link for a pill or a card, null to drop it (a pill with no link),
 * undefined to keep it as it is.
 */
export function chromeReplacement(el: HElement): HElement | null | undefined {
  const name = el.localName;
  if (name !== 'span' && name !== 'a' && name !== 'div') return undefined;
  if (isCitationPill(el)) {
    const a = firstLink(el);
    if (!a) return null;
    const label = textRuns(a, 1)[0] ?? a.getAttribute('href')!;
    return plainLink(el.ownerDocument, a.getAttribute('href')!, label);
  }
  if (name === 'a' && el.getAttribute('href')) {
    if (isCard(el)) {
      const label = textRuns(el, 1)[0] ?? el.getAttribute('href')!;
      return plainLink(el.ownerDocument, el.getAttribute('href')!, label);
    }
    // A pill without its test id: a favicon (empty alt) beside the label. Badges (`![npm](…)`
    // inside a link, alt text, no label) are content and stay.
    if (hasDecorativeImage(el)) {
      const runs = textRuns(el, 8);
      if (runs.length > 0) return plainLink(el.ownerDocument, el.getAttribute('href')!, runs.join(' '));
    }
  }
  return undefined;
}
