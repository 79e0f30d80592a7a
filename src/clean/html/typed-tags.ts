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
  if (RENDERED.has(name)) return true; // most names come lower-case: no copy
  const n = name.toLowerCase();
  // MathJax 3's custom elements (`<mjx-container>`, `<mjx-c>`…): no one types those.
  return RENDERED.has(n) || n.startsWith('mjx-');
}

/** MathJax 2 keeps each formula's source in `<script type="math/tex…">`; any other script was typed. */
const MATH_SCRIPT = /^<script\s[^>]*\btype\s*=\s*["']?math\/tex/i;
const SCRIPT_END = /<\/script[\s/>]/gi;

/**
 * Walks the tags and copies only around the ones it escapes: nearly every tag is rendered, and a
 * replace() callback rebuilt the whole string from its returns.
 */
function escapeSegment(html: string): string {
  let out = '';
  let last = 0;
  TAG_START.lastIndex = 0;
  for (let m = TAG_START.exec(html); m; m = TAG_START.exec(html)) {
    const slash = m[1];
    const name = m[2];
    if (!slash && name !== undefined && name.length === 6 && name.toLowerCase() === 'script' && MATH_SCRIPT.test(html.slice(m.index, m.index + 200))) {
      // Raw TeX (`x<y`) up to the first `</script`, as the parser reads a script's text: a tag
      // scan would take `<y</script>` for one tag named `y<` and miss the end.
      SCRIPT_END.lastIndex = TAG_START.lastIndex;
      if (!SCRIPT_END.test(html)) break;
      TAG_START.lastIndex = SCRIPT_END.lastIndex;
      continue;
    }
    if (name !== undefined && isRenderedTag(name)) continue;
    out += `${html.slice(last, m.index)}&lt;`;
    last = m.index + 1;
  }
  return last === 0 ? html : out + html.slice(last);
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
