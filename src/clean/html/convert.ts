/**
 * HTML → Markdown for ShareGPT assistant turns (the ChatGPT UI's `.markdown` element).
 *
 * turndown + turndown-plugin-gfm, configured so that the Markdown the model wrote comes back:
 * fenced code with its language and exact text, no escaping added to prose (the HTML was rendered
 * from Markdown, so its text never needed escaping: `snake_case`, `2*3`, `[x]` stay), GFM tables,
 * the author's line breaks. The tree is parsed and prepared here (prepare.ts) and handed to
 * turndown as a node.
 */
import TurndownService from 'turndown';
import { strikethrough, taskListItems } from 'turndown-plugin-gfm';
import { fencedBlock } from './code-block.js';
import { HtmlConversionError } from './errors.js';
import { imageReplacement, linkReplacement } from './links.js';
import { BULLET, listItem } from './lists.js';
import { isBackslashBreak, parseAnswer, preparedFence, prepareTree } from './prepare.js';
import { tableRules } from './table.js';
import { dropStrayBreaks, restoreBreaks } from './text.js';
import type { DomRule, HElement, HNode } from './dom.js';

function isCodeBlock(node: HElement): boolean {
  return node.nodeName === 'PRE';
}

function codeBlock(node: HElement): string {
  return preparedFence(node) ?? fencedBlock(node);
}

function inTableCell(node: HNode): boolean {
  for (let n = node.parentNode; n; n = n.parentNode) {
    if (n.nodeName === 'TD' || n.nodeName === 'TH') return true;
    if (n.nodeName === 'TABLE' || n.nodeName === 'P' || n.nodeName === 'LI') return false;
  }
  return false;
}

/**
 * A GFM cell is one line: a `<br>` there was typed as HTML in the source, and stays HTML.
 * Elsewhere a hard break: ` \\` when the HTML kept a space before it (the renderer keeps the
 * space of `x \\` + newline but strips the spaces of `x  ` + newline), else two spaces, the form
 * the sample's sources use 21 times out of 23; both read back as the same `<br>`.
 */
function lineBreak(_content: string, node: HElement, options: { br?: string }): string {
  if (inTableCell(node)) return '<br>';
  return isBackslashBreak(node) ? ' \\\n' : `${options.br ?? '  '}\n`;
}

/** Math and other nodes prepare.ts replaced by a placeholder holding their Markdown. */
function isPlaceholder(node: HElement): boolean {
  return node.nodeName.startsWith('X-SFTFORGE-MATH');
}

export function createService(): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    hr: '---',
    bulletListMarker: BULLET,
    codeBlockStyle: 'fenced',
    emDelimiter: '*', // `*` works inside words, `_` does not (snake_case)
    strongDelimiter: '**',
    linkStyle: 'inlined',
    br: '  ',
    // An emptied (prepared) or empty code block is "blank" to turndown, which would drop it.
    blankReplacement: (_content, n) => {
      const node = n as unknown as HElement;
      return isCodeBlock(node) ? codeBlock(node) : node.isBlock ? '\n\n' : '';
    },
  });
  // Strikethrough stays turndown-plugin-gfm's single `~`: the sample's only `<del>`s came from a
  // C++ `~Updater() … ~Data()` the renderer paired up, which `~` gives back as typed.
  service.use([taskListItems, strikethrough]);
  const addRule = (key: string, rule: DomRule) => service.addRule(key, rule as unknown as TurndownService.Rule);
  for (const [key, rule] of Object.entries(tableRules)) addRule(key, rule);
  addRule('listItem', { filter: 'li', replacement: listItem });
  addRule('lineBreak', { filter: 'br', replacement: lineBreak });
  addRule('link', {
    filter: (node) => node.nodeName === 'A' && node.getAttribute('href') !== null,
    replacement: linkReplacement,
  });
  addRule('image', { filter: 'img', replacement: imageReplacement });
  addRule('math', { filter: isPlaceholder, replacement: (_c, node) => preparedFence(node) ?? '' });
  addRule('uiCodeBlock', { filter: isCodeBlock, replacement: (_c, node) => codeBlock(node) });
  // The UI's copy button and icons outside code blocks are chrome, not content.
  service.remove(['button', 'svg' as keyof HTMLElementTagNameMap]);
  // The HTML came from Markdown: its text never needed escaping. Kept line breaks come back here.
  service.escape = restoreBreaks;
  return service;
}

let shared: TurndownService | undefined;

/**
 * Convert one assistant turn's HTML to Markdown (trimmed). Run checkHtmlLimits first: turndown
 * recurses per element and overflows the stack somewhere past 1,000 levels.
 */
export function htmlToMarkdown(html: string): string {
  shared ??= createService();
  const root = parseAnswer(html);
  prepareTree(root);
  let md: string;
  try {
    md = shared.turndown(root as unknown as HTMLElement); // dom.ts has what turndown reads
  } catch (e) {
    if (e instanceof RangeError) {
      throw new HtmlConversionError(`HTML answer nests too deeply to convert (${e.message})`, 'reject it with checkHtmlLimits() before calling htmlToMarkdown()');
    }
    throw e;
  }
  return dropStrayBreaks(md).trim();
}
