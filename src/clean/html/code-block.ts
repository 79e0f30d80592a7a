/**
 * Code blocks as the ChatGPT UI rendered them, back to fenced Markdown.
 *
 * The UI wraps every block as
 *   <pre><div …><div …header…>[<span>lang</span>]<button><svg/>Copy code</button></div>
 *        <div …><code class="!whitespace-pre hljs language-xxx">…highlight <span>s…</code></div></div></pre>
 * December 2022 pages have no language <span>; the language is then only in the class.
 * 2024–25 pages put the language as text in the header `<div>`, with "Copy"/"Edit" buttons and
 * sticky wrappers around, and may leave the class out. A plain `<pre><code>` goes the same path.
 */
import type { HElement, HNode, HText } from './dom.js';

/** Languages the UI shows for a block that had none: they are not the author's. */
const NO_LANGUAGE = new Set(['plaintext']);
const LANGUAGE_CLASS = /(?:^|\s)language-(\S+)/;

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/** The first <code> inside `pre`, or null (a bare `<pre>text</pre>`). */
export function findCode(pre: HElement): HElement | null {
  const codes = pre.getElementsByTagName('code');
  return codes.length > 0 ? codes[0]! : null;
}

/**
 * Labels of the header's buttons, when a page kept them as text outside a `<button>`: never a
 * language. Localised ("Copiar", "Kopieren", "复制"…), compared in lower case.
 */
const UI_LABELS = new Set(
  (
    'copy copied copied! edit run download share collapse expand wrap ' +
    'copiar copiado editar ejecutar kopieren kopiert bearbeiten copier copié modifier copia copiato modifica ' +
    'kopiuj edytuj kopiëren bewerken kopyala düzenle копировать скопировано изменить редактировать ' +
    'コピー コピーしました 編集 复制 已复制 编辑 複製 編輯 복사 편집 sao chép chỉnh sửa salin edit'
  ).split(' '),
);
/** Subtrees that hold chrome, not the language: buttons, icons, tooltips. */
const CHROME = new Set(['BUTTON', 'SVG', 'svg', 'IMG']);

/**
 * The header's language label: the first text before <code>, outside buttons and icons, that is
 * one word and no button label. 2023 pages put it in a `<span>`; 2024–25 pages in the header
 * `<div>` itself, next to "Copy" / "Edit" buttons and a sticky copy bar. Iterative walk.
 */
function headerLanguage(pre: HElement, code: HElement | null): string {
  const stack: HNode[] = [];
  for (let c = pre.lastChild; c; c = c.previousSibling) stack.push(c);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === code) return ''; // the header comes before the code
    if (n.nodeType === TEXT) {
      const text = (n as HText).data.trim();
      if (text && !/\s/.test(text) && !UI_LABELS.has(text.toLowerCase())) return text;
    } else if (n.nodeType === ELEMENT && !CHROME.has(n.nodeName) && (n as HElement).getAttribute('role') !== 'button') {
      for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
    }
  }
  return '';
}

/**
 * The block's language: the header's label wins, then `language-xxx` on <code>. `hljs`,
 * `!whitespace-pre-wrap` and other utility classes are ignored; `plaintext` is what the UI shows
 * for a block with no language, so it maps back to none.
 */
export function codeLanguage(pre: HElement, code: HElement | null): string {
  let lang = code ? headerLanguage(pre, code) : '';
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
 * lines with it inside <pre>), a `<div>`/`<p>` line starting a new line. Iterative so that deep
 * highlight nesting cannot blow the stack.
 */
export function codeText(root: HNode): string {
  let out = '';
  const stack: HNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === TEXT || node.nodeType === CDATA) {
      out += (node as HText).data;
    } else if (node.nodeType === ELEMENT) {
      if (node.nodeName === 'BR') {
        out += '\n';
        continue;
      }
      // Editor-style blocks (CodeMirror's `<div class="cm-line">`) hold one line per block, no `\n`.
      if ((node.nodeName === 'DIV' || node.nodeName === 'P') && out !== '' && !out.endsWith('\n')) out += '\n';
      for (let k = node.lastChild; k; k = k.previousSibling) stack.push(k);
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

/** The Markdown for one code block, surrounded by blank lines like every block. */
export function fencedBlock(pre: HElement): string {
  const code = findCode(pre);
  const lang = codeLanguage(pre, code);
  // One trailing newline is the renderer's, not the author's.
  const text = codeText(code ?? pre).replace(/\n$/, '');
  const fence = fenceFor(text);
  const body = text === '' ? '' : `${text}\n`; // an empty block has no line, not an empty one
  return `\n\n${fence}${lang}\n${body}${fence}\n\n`;
}
