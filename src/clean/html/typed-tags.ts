/**
 * Tags the model *typed* in prose (`#include <QObject>`, `Map<String, String>`, "add a <style>
 * tag in <head>") reach the scraped HTML unescaped when the renderer passed raw HTML through.
 * A DOM parser then treats them as elements: `<head>` is dropped, `<style>` swallows the rest of
 * the answer (code blocks included), `<event_id>` wraps the following text. Before parsing, this
 * pass turns every tag whose name a Markdown renderer or the ChatGPT UI never emits back into
 * text (`&lt;`), so the DOM keeps it as the characters the model wrote.
 */

/** Elements a Markdown renderer (GFM) or the ChatGPT UI produce; everything else was typed. */
const RENDERED = new Set(
  (
    'a b blockquote br button code del div em h1 h2 h3 h4 h5 h6 hr i img input li ol p pre s span ' +
    'strike strong sub sup table tbody td tfoot th thead tr ul kbd u ' +
    // the UI's copy-button icon
    'svg path rect polyline line circle g ' +
    // KaTeX/MathML, which later UI versions emit for formulas
    'math semantics mrow mi mo mn ms mtext msup msub msubsup mfrac msqrt mroot mover munder ' +
    'munderover mtable mtr mtd mspace mstyle annotation annotation-xml menclose mpadded mphantom ' +
    'mglyph mmultiscripts mprescripts none mlabeledtr merror maction'
  ).split(' '),
);

/** A start or end tag name, or a `<!DOCTYPE`-like declaration (not a comment). */
const TAG_START = /<(\/?)([a-zA-Z][^\s/>]*)|<!(?!--)(?=[a-zA-Z])/g;
const PRE_BLOCK = /<pre[\s>][\s\S]*?<\/pre>/gi;

/** Does the converter treat `<name>` as an element (else it was typed, and becomes text)? */
export function isRenderedTag(name: string): boolean {
  const n = name.toLowerCase();
  // MathJax 3's custom elements (`<mjx-container>`, `<mjx-c>`…): no one types those.
  return RENDERED.has(n) || n.startsWith('mjx-');
}

/** MathJax 2 keeps each formula's source in `<script type="math/tex…">`; any other script was typed. */
const MATH_SCRIPT = /^<script\s[^>]*\btype\s*=\s*["']?math\/tex/i;

function escapeSegment(html: string): string {
  let mathScript = false; // inside a MathJax source script: its `</script>` is real
  return html.replace(TAG_START, (match: string, slash: string | undefined, name: string | undefined, offset: number) => {
    if (name !== undefined && name.toLowerCase() === 'script') {
      if (!slash && !mathScript && MATH_SCRIPT.test(html.slice(offset, offset + 200))) return ((mathScript = true), match);
      if (slash && mathScript) return ((mathScript = false), match);
    }
    if (mathScript) return match; // raw TeX (`x<y`): the parser reads a script's text as is
    return name !== undefined && isRenderedTag(name) ? match : '&lt;' + match.slice(1);
  });
}

/** `html` with typed tags escaped; `<pre>` blocks (the UI's code) are left exactly as they are. */
export function escapeTypedTags(html: string): string {
  let out = '';
  let last = 0;
  PRE_BLOCK.lastIndex = 0;
  for (let m = PRE_BLOCK.exec(html); m; m = PRE_BLOCK.exec(html)) {
    out += escapeSegment(html.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return last === 0 ? escapeSegment(html) : out + escapeSegment(html.slice(last));
}
