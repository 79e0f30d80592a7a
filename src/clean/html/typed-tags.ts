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
    'munderover mtable mtr mtd mspace mstyle annotation'
  ).split(' '),
);

/** A start or end tag name, or a `<!DOCTYPE`-like declaration (not a comment). */
const TAG_START = /<(\/?)([a-zA-Z][^\s/>]*)|<!(?!--)(?=[a-zA-Z])/g;
const PRE_BLOCK = /<pre[\s>][\s\S]*?<\/pre>/gi;

/** Does the converter treat `<name>` as an element (else it was typed, and becomes text)? */
export function isRenderedTag(name: string): boolean {
  return RENDERED.has(name.toLowerCase());
}

function escapeSegment(html: string): string {
  return html.replace(TAG_START, (match: string, _slash?: string, name?: string) =>
    name !== undefined && isRenderedTag(name) ? match : '&lt;' + match.slice(1),
  );
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
