/** Element-name sets the pre-pass needs (lower case, as `localName`). */

/** The wrapper this folder parses answers into; not content. */
export const ROOT_TAG = 'x-sftforge-root';

/** Placeholders for math roots (math.ts), inline and display: they hold the TeX as Markdown. */
export const MATH_INLINE_TAG = 'x-sftforge-math';
export const MATH_BLOCK_TAG = 'x-sftforge-math-block';

/** Inline elements a soft line break can precede (see the glued-break repair in text.ts). */
export const INLINE_AFTER_BREAK = new Set(['code', 'a', 'strong', 'b', 'em', 'i', 'img', 'del', 's', 'kbd']);

/** Inline elements written with delimiters around their content (link, emphasis, strike). */
export const DELIMITED = new Set(['a', 'em', 'i', 'strong', 'b', 'del', 's', 'strike']);

/** Elements whose text cannot hold a Markdown line break (one line of source each). */
export const SINGLE_LINE = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'th', 'td', 'code', 'pre', 'caption']);

/** Block elements: a text node next to one starts or ends a line. */
export const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  ROOT_TAG,
  MATH_BLOCK_TAG,
]);
