/**
 * Code blocks as the ChatGPT UI rendered them, back to fenced Markdown.
 *
 * The UI wraps every block as
 *   <pre><div …><div …header…>[<span>lang</span>]<button><svg/>Copy code</button></div>
 *        <div …><code class="!whitespace-pre hljs language-xxx">…highlight <span>s…</code></div></div></pre>
 * December 2022 pages have no language <span>; the language is then only in the class.
 * A plain `<pre><code>` (no UI chrome) goes through the same path.
 */

/** Languages the UI shows for a block that had none: they are not the author's. */
const NO_LANGUAGE = new Set(['plaintext']);
const LANGUAGE_CLASS = /(?:^|\s)language-(\S+)/;

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/** The first <code> inside `pre`, or null (a bare `<pre>text</pre>`). */
export function findCode(pre: Element): Element | null {
  const codes = pre.getElementsByTagName('code');
  return codes.length > 0 ? codes[0]! : null;
}

/** True when `node` is `ancestor` or lies inside it (no reliance on DOM `contains`). */
function isInside(node: Node, ancestor: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

/**
 * The block's language: the header <span> (newer UI) wins, then `language-xxx` on <code>.
 * `hljs`, `!whitespace-pre-wrap` and other utility classes are ignored; `plaintext` is what the
 * UI shows for a block with no language, so it maps back to none.
 */
export function codeLanguage(pre: Element, code: Element | null): string {
  let lang = '';
  const spans = pre.getElementsByTagName('span');
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    if (code && isInside(span, code)) break; // highlight spans come after the header
    const text = (span.textContent ?? '').trim();
    if (text && !/\s/.test(text)) {
      lang = text;
      break;
    }
  }
  if (!lang && code) {
    const m = LANGUAGE_CLASS.exec(code.getAttribute('class') ?? '');
    if (m) lang = m[1]!;
  }
  // A fence info string cannot hold a backtick; such a "language" is not one.
  if (lang.includes('`')) lang = '';
  return NO_LANGUAGE.has(lang.toLowerCase()) ? '' : lang;
}

/**
 * The exact code: text and CDATA nodes in document order, `<br>` as a newline (some pages break
 * lines with it inside <pre>). Iterative so that deep highlight nesting cannot blow the stack.
 */
export function codeText(root: Node): string {
  let out = '';
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === TEXT || node.nodeType === CDATA) {
      out += (node as CharacterData).data;
    } else if (node.nodeType === ELEMENT) {
      if (node.nodeName === 'BR') {
        out += '\n';
        continue;
      }
      const kids = node.childNodes;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  }
  return out;
}

/** A backtick fence longer than any backtick run in the code, so the code can never close it. */
export function fenceFor(code: string): string {
  let longest = 0;
  for (const m of code.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The Markdown for one code block, surrounded by blank lines as turndown expects of a block. */
export function fencedBlock(pre: Element): string {
  const code = findCode(pre);
  const lang = codeLanguage(pre, code);
  // One trailing newline is the renderer's, not the author's.
  const text = codeText(code ?? pre).replace(/\n$/, '');
  const fence = fenceFor(text);
  const body = text === '' ? '' : `${text}\n`; // an empty block has no line, not an empty one
  return `\n\n${fence}${lang}\n${body}${fence}\n\n`;
}
