/**
 * The fast path of parse.ts: answers the ChatGPT UI rendered are well-formed (every element closed
 * by its own end tag, blocks never inside paragraphs, tables complete), and for such input the
 * WHATWG tree is simply the nesting of the tags. htmlparser2's tokenizer (three times parse5's
 * speed) builds that tree here; anything where the HTML5 algorithm would do more than nest —
 * an implied end tag, a stray end tag, foster parenting, raw-text elements, foreign-content
 * break-outs, a truncated tag — makes this return null, and parse.ts runs parse5 instead.
 * test/clean/html/dom.test.ts checks the result against parse5's own tree on every sample answer.
 */
import { Parser } from 'htmlparser2';
import { foreignContent, html as html5, type Token } from 'parse5';
import { type Attr, HElement, HText, HTML_NS, TEXT_NODE } from './dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

const words = (s: string) => new Set(s.split(' '));

/** Start tags whose handling is more than "insert and nest" (or that htmlparser2 reads differently). */
const NEEDS_PARSE5 = words(
  'html head body frameset frame base basefont bgsound link meta title style script noscript noframes noembed iframe xmp ' +
    'textarea plaintext template select option optgroup datalist image isindex form nobr rb rp rt rtc caption col colgroup ' +
    'applet marquee object command menuitem keygen listing',
);
/** Start tags that close an open `<p>` (HTML5 "close a p element"). */
const CLOSES_P = words(
  'address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer header hgroup ' +
    'main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 pre listing form table hr xmp plaintext li dd dt',
);
const HEADINGS = words('h1 h2 h3 h4 h5 h6');
/** HTML5's "special" category: where the search for an open `<li>`/`<dd>` stops. */
const SPECIAL = words(
  'address applet area article aside base basefont bgsound blockquote body br button caption center col colgroup dd details ' +
    'dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html ' +
    'iframe img input keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p param plaintext ' +
    'pre script search section select source style summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp',
);
const TABLE_PARTS = words('thead tbody tfoot tr td th');
/** Which child start tags each table-context element accepts without the algorithm stepping in. */
const TABLE_CHILDREN: Record<string, Set<string>> = {
  table: words('thead tbody tfoot'),
  thead: words('tr'),
  tbody: words('tr'),
  tfoot: words('tr'),
  tr: words('td th'),
};
/** MathML text and SVG HTML integration points: HTML rules apply again inside them. */
const INTEGRATION = words('mi mo mn ms mtext annotation-xml foreignObject desc title');
const HTML_WS = /^[\t\n\f\r ]*$/;
const HTMLPARSER2_VOID = words('area base basefont br col command embed frame hr image img input keygen link meta param source track wbr');

class TreeBuilder {
  root!: HElement;
  stack: HElement[] = [];
  attrs: Attr[] = [];
  failed = false;
  ending = false;
  /** The element opened by the last start tag, until anything else happens (a void or `/>` close). */
  justOpened: HElement | null = null;
  /** `<pre>` just opened: a newline right after its start tag is not content. */
  afterPre = false;
  endTags = 0;
  lastEnd = -1;
  parser!: Parser;

  reset(tag: string): void {
    // The context element itself is the root: HTML5's fragment algorithm in its in-body context.
    this.root = new HElement(tag, HTML_NS);
    this.stack = [this.root];
    this.failed = false;
    this.ending = false;
    this.justOpened = null;
    this.afterPre = false;
    this.endTags = 0;
    this.lastEnd = -1;
  }

  private top(): HElement {
    return this.stack[this.stack.length - 1]!;
  }

  private seen(): void {
    if (this.parser.endIndex > this.lastEnd) this.lastEnd = this.parser.endIndex;
  }

  onopentagname(): void {
    this.attrs = [];
  }

  onattribute(name: string, value: string): void {
    // The first of duplicate attributes wins, as in HTML5.
    for (const a of this.attrs) if (a.name === name) return;
    this.attrs.push({ name, value });
  }

  onopentag(name: string, _attribs: unknown, implied: boolean): void {
    this.seen();
    this.afterPre = false;
    if (this.failed || implied) return this.fail();
    const top = this.top();
    const foreign = top.namespaceURI !== HTML_NS;
    if (!foreign && (NEEDS_PARSE5.has(name) || !this.fitsHtml(name, top))) return this.fail();
    let el: HElement;
    if (foreign || name === 'svg' || name === 'math') {
      const made = this.foreignElement(name, top);
      if (!made) return;
      el = made;
    } else el = new HElement(name, HTML_NS, this.attrs);
    top.appendChild(el);
    this.stack.push(el);
    this.justOpened = el;
    this.afterPre = name === 'pre';
  }

  /** Would HTML5 just insert `<name>` as the current node's child? */
  private fitsHtml(name: string, top: HElement): boolean {
    const allowed = TABLE_CHILDREN[top.localName];
    if (allowed) return allowed.has(name);
    if (TABLE_PARTS.has(name)) return false;
    for (let i = this.stack.length - 1; i > 0; i--) {
      const open = this.stack[i]!.localName;
      if (CLOSES_P.has(name) && (open === 'p' || HEADINGS.has(open))) return false;
      if ((name === 'a' && open === 'a') || (name === 'button' && open === 'button')) return false;
    }
    if (name === 'li' || name === 'dd' || name === 'dt') {
      // An open item before the nearest list container would be closed by this one.
      for (let i = this.stack.length - 1; i > 0; i--) {
        const open = this.stack[i]!.localName;
        if (open === name || (name !== 'li' && (open === 'dd' || open === 'dt'))) return false;
        if (SPECIAL.has(open) && open !== 'address' && open !== 'div' && open !== 'p') break;
      }
    }
    return true;
  }

  /** An SVG or MathML element, named and attributed as parse5 adjusts them; null (failed) on a break-out. */
  private foreignElement(name: string, top: HElement): HElement | undefined {
    const inForeign = top.namespaceURI !== HTML_NS;
    if ((inForeign && (name === 'svg' || name === 'math')) || INTEGRATION.has(top.localName)) return this.fail();
    const token = { tagName: name, tagID: html5.getTagID(name), attrs: this.attrs } as unknown as Token.TagToken;
    // htmlparser2 closes its void names at once even in SVG (`<image>`), where HTML5 does not.
    if (inForeign && (foreignContent.causesExit(token) || HTMLPARSER2_VOID.has(name))) return this.fail();
    const ns = inForeign ? top.namespaceURI : name === 'svg' ? SVG_NS : MATHML_NS;
    if (this.attrs.some((a) => a.name.includes(':'))) return this.fail(); // xlink:/xml: attributes get namespaces
    if (ns === SVG_NS) {
      foreignContent.adjustTokenSVGTagName(token);
      foreignContent.adjustTokenSVGAttrs(token);
    } else foreignContent.adjustTokenMathMLAttrs(token);
    if (INTEGRATION.has(token.tagName)) return this.fail();
    return new HElement(token.tagName, ns, this.attrs);
  }

  onclosetag(name: string, implied: boolean): void {
    this.seen();
    this.afterPre = false;
    if (this.failed) return;
    const top = this.top();
    if (implied) {
      // Accepted: a void element or a foreign `/>` closing right after its start, and what is
      // left open at the end (HTML5 leaves it in the tree as it is).
      if (this.ending || (this.justOpened === top && top.localName.toLowerCase() === name)) {
        if (!this.ending) this.stack.pop();
        this.justOpened = null;
        return;
      }
      return this.fail();
    }
    this.justOpened = null;
    this.endTags++;
    if (this.stack.length === 1 || top.localName.toLowerCase() !== name) return this.fail();
    this.stack.pop();
  }

  ontext(data: string): void {
    this.seen();
    this.justOpened = null;
    if (this.failed) return;
    let text = data;
    if (this.afterPre) {
      this.afterPre = false;
      if (text.startsWith('\n')) text = text.slice(1);
      if (!text) return;
    }
    const top = this.top();
    if (TABLE_CHILDREN[top.localName] && !HTML_WS.test(text)) return this.fail(); // foster parenting
    top.appendText(text);
  }

  oncomment(): void {
    this.fail();
  }
  oncdatastart(): void {
    this.fail();
  }
  onprocessinginstruction(): void {
    this.fail();
  }

  fail(): undefined {
    this.failed = true;
    return undefined;
  }
}

/** Characters and sequences whose tokenization htmlparser2 and HTML5 may disagree on. */
const UNSAFE = /\0|<[!?]|<\/(?![a-zA-Z])/;
const END_TAG = /<\/[a-zA-Z]/g;

let builder: TreeBuilder | undefined;

/**
 * The children of a `<tag>` holding `html` when the input is simple enough to build without the
 * HTML5 algorithm, else null.
 */
export function parseSimple(tag: string, html: string): HElement | null {
  if (UNSAFE.test(html) || html.lastIndexOf('<') > html.lastIndexOf('>')) return null;
  const input = html.includes('\r') ? html.replace(/\r\n?/g, '\n') : html; // HTML5 newline normalisation
  builder ??= new TreeBuilder();
  const b = builder;
  b.reset(tag);
  // A fresh parser each time: htmlparser2's reset() leaves the tokenizer's raw-text state behind.
  b.parser = new Parser(b, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  b.parser.write(input);
  b.ending = true;
  b.parser.end();
  // Every end tag in the source must have closed its element (htmlparser2 drops stray ones
  // silently), and the tokenizer must have reached the last character (no tag cut off).
  END_TAG.lastIndex = 0;
  let sourceEndTags = 0;
  while (END_TAG.exec(input)) sourceEndTags++;
  if (b.failed || sourceEndTags !== b.endTags || b.lastEnd < input.length - 1) return null;
  return b.root;
}
