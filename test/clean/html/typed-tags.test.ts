// Typed tags become text before parsing (typed-tags.ts); rendered ones, <pre> blocks and MathJax 2
// sources stay as they are.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeTypedTags } from '../../../src/clean/html/typed-tags.js';

const RENDERED = new Set('a b code div em li p pre span strong svg math mi'.split(' '));

/**
 * The rule written the plain way, as the reference: outside <pre> blocks, a MathJax 2 source script
 * is kept whole up to its `</script` (the parser reads its text raw), and any other tag or
 * declaration whose name is not rendered gets its `<` escaped.
 */
function reference(html: string): string {
  const segment = (s: string) =>
    s.replace(/<script\s[^>]*\btype\s*=\s*["']?math\/tex[\s\S]*?(?:<\/script[\s/>]|$)|<\/?([a-zA-Z][^\s/>]*)|<!(?!--)(?=[a-zA-Z])/gi, (match, name: string | undefined) => {
      if (/^<script\s/i.test(match) && name === undefined) return match;
      const n = name?.toLowerCase();
      return n !== undefined && (RENDERED.has(n) || n.startsWith('mjx-')) ? match : `&lt;${match.slice(1)}`;
    });
  let out = '';
  let last = 0;
  for (const m of html.matchAll(/<pre[\s>][\s\S]*?<\/pre>/gi)) {
    out += segment(html.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return last === 0 ? segment(html) : out + segment(html.slice(last));
}

describe('escapeTypedTags', () => {
  it('escapes exactly the typed tags', () => {
    expect(escapeTypedTags('<p>#include <QObject> and Map<String, String></p>')).toBe('<p>#include &lt;QObject> and Map&lt;String, String></p>');
    expect(escapeTypedTags('<P>a <style> b</P><pre><head>x</head></pre><!DOCTYPE html>')).toBe('<P>a &lt;style> b</P><pre><head>x</head></pre>&lt;!DOCTYPE html>');
    // `x<y</script>`: the TeX's `<` is no tag, and the script still ends there.
    expect(escapeTypedTags('<script type="math/tex">x<y</script><script>z</script><QObject>')).toBe('<script type="math/tex">x<y</script>&lt;script>z&lt;/script>&lt;QObject>');
  });

  it('property: agrees with the plain rule on any mix of rendered, typed, script and pre tags', () => {
    const piece = fc.constantFrom(
      '<p>',
      '</P>',
      '<div class="x">',
      '<QObject>',
      '</head>',
      '<Span>',
      '<mjx-c>',
      '<MJX-container>',
      '<script type="math/tex">',
      '<SCRIPT>',
      '</script>',
      '<pre>',
      '</pre>',
      '<pre class="p">',
      '<!DOCTYPE html>',
      '<!-- c -->',
      'x<y',
      '<',
      '>',
      'text ',
      '<svg>',
      '<event_id>',
      'é',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const html = parts.join('');
        expect(escapeTypedTags(html)).toBe(reference(html));
      }),
      { numRuns: 3000 },
    );
  });
});
