/**
 * Rendered math back to its TeX source. The ChatGPT UI (from early 2023) renders `$…$` with
 * KaTeX, which keeps three layers: MathML, an `<annotation encoding="application/x-tex">` with the
 * source, and the visual HTML. Their text read together ("∣x−3∣<5|x - 3| < 5∣x−3∣<5") is garbage,
 * so a math root is replaced by its source between `$` (inline) or `$$` lines (display).
 *
 * Roots, whatever the wrapper: `span.math-inline` / `span.math-display` (remark-math, 2023),
 * `.katex-display` / `.katex` (later pages drop the wrapper), a bare `<math>` with a TeX annotation,
 * MathJax 2's `<script type="math/tex[; mode=display]">` (its rendered siblings are dropped), and
 * MathJax 3's `<mjx-container>` (source from `data-latex`/`data-tex` or an annotation).
 */
import type { HElement } from './dom.js';

const ELEMENT = 1;

export interface MathSource {
  tex: string;
  display: boolean;
}

function classes(el: HElement): string {
  return ` ${el.getAttribute('class') ?? ''} `;
}

function hasClass(el: HElement, name: string): boolean {
  return classes(el).includes(` ${name} `);
}

/** The first TeX annotation inside `el`, or null (iterative: KaTeX nests deeply). */
function annotation(el: HElement): string | null {
  const found = el.getElementsByTagName('annotation');
  for (let i = 0; i < found.length; i++) {
    const enc = (found[i]!.getAttribute('encoding') ?? '').toLowerCase();
    if (enc === 'application/x-tex' || enc === 'tex' || enc === 'application/x-latex') return found[i]!.textContent ?? '';
  }
  return null;
}

function hasKatexSpan(el: HElement): boolean {
  const spans = el.getElementsByTagName('span');
  for (let i = 0; i < spans.length; i++) if (classes(spans[i]!).includes(' katex')) return true;
  return false;
}

/** Text of the MathML layer only: the last resort when a page kept no TeX source. */
function mathmlText(el: HElement): string {
  const m = el.getElementsByTagName('math');
  return m.length > 0 ? (m[0]!.textContent ?? '') : '';
}

function isMathScript(el: HElement): boolean {
  return el.localName === 'script' && /^math\/tex/i.test((el.getAttribute('type') ?? '').trim());
}

/** MathJax 2 rendering next to its source script: preview, frame, display div. */
const MATHJAX_RENDERED = /\s(?:MathJax_Preview|MathJax|MathJax_Display|MathJax_SVG|MathJax_SVG_Display|MathJax_CHTML|MJX_Assistive_MathML)\s/;

/** Is `el` MathJax 2 output whose source is a following `<script type="math/tex">`? */
export function isMathJaxRendering(el: HElement): boolean {
  if (!MATHJAX_RENDERED.test(classes(el))) return false;
  if (hasClass(el, 'MathJax_Preview')) return true;
  for (let n = el.nextElementSibling; n; n = n.nextElementSibling) {
    if (isMathScript(n)) return true;
    if (!MATHJAX_RENDERED.test(classes(n))) return false;
  }
  return false;
}

/**
 * The TeX of a math root, or null when `el` is not one. Checked outermost first (the walk is in
 * document order), so a wrapper is replaced whole, never its layers one by one.
 */
export function mathSource(el: HElement): MathSource | null {
  const name = el.localName;
  if (name === 'script') {
    if (!isMathScript(el)) return null;
    return { tex: el.textContent ?? '', display: /mode\s*=\s*display/i.test(el.getAttribute('type') ?? '') };
  }
  if (name === 'mjx-container') {
    const tex = el.getAttribute('data-latex') ?? el.getAttribute('data-tex') ?? annotation(el) ?? mathmlText(el);
    return { tex, display: el.getAttribute('display') === 'true' || el.getAttribute('display') === 'block' };
  }
  if (name === 'math') {
    const tex = annotation(el);
    return tex === null ? null : { tex, display: el.getAttribute('display') === 'block' };
  }
  if (name !== 'span' && name !== 'div') return null;
  const cls = classes(el);
  if (!/ (?:math-inline|math-display|katex-display|katex|katex-error) /.test(cls)) return null;
  const maths = el.getElementsByTagName('math');
  // remark-math's wrapper before KaTeX ran, and KaTeX's parse-error span, hold the TeX as text.
  const unrendered = maths.length === 0 && !hasKatexSpan(el);
  if (unrendered && / (?:math-inline|math-display|katex-error) /.test(cls)) {
    return { tex: el.textContent ?? '', display: cls.includes(' math-display ') };
  }
  const display = cls.includes(' math-display ') || cls.includes(' katex-display ') || (maths.length > 0 && maths[0]!.getAttribute('display') === 'block');
  const tex = annotation(el) ?? el.getAttribute('data-latex') ?? mathmlText(el);
  return { tex, display };
}

/** The Markdown for a math root: `$tex$` inline, `$$` on lines of their own for display. */
export function mathMarkdown(m: MathSource): string {
  const tex = m.tex.trim();
  if (m.display) return `\n\n$$\n${tex}\n$$\n\n`;
  return `$${tex}$`;
}
