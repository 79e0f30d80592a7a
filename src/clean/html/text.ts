/**
 * Prose text nodes: keep the author's line breaks, and escape only what would otherwise turn
 * into a block when the Markdown is read back.
 *
 * The serializer (markdown.ts) collapses every newline of a text node into a space, as a browser
 * lays it out. The answers' soft line breaks are the model's own (poems, addresses, "1.2.3" lines
 * under a heading), so a newline is swapped for LINE_BREAK before it sees the text (it only
 * collapses ASCII whitespace) and swapped back as it writes the text (restoreBreaks), where list
 * items and block quotes then indent or prefix it.
 */

/** A noncharacter (never in interchanged text) standing for a kept line break while the serializer runs. */
export const LINE_BREAK = '\uFDD0';
const LINE_BREAK_RE = new RegExp(LINE_BREAK, 'g');

/** A soft line break and the spaces around it (they mean nothing in Markdown)… */
const SOFT_BREAK = /(\\?)([ \t]*)\r?\n[ \t]*/g;

/** …except one space after a backslash: without it the backslash would make a hard break. */
function softBreak(_m: string, backslash: string, spaces: string): string {
  return backslash + (backslash && spaces ? ' ' : '') + LINE_BREAK;
}

/**
 * Line starts that open a block even inside a paragraph (they "interrupt" it): the text only
 * shows them because the source escaped them, so they are escaped again, minimally.
 */
const INTERRUPTS: Array<[RegExp, string]> = [
  [/^(#{1,6})(?=[ \t]|$)/, '\\$1'],
  [/^>/, '\\>'],
  [/^([-+*])(?=[ \t])/, '\\$1'],
  [/^(0*1)([.)])(?=[ \t]|$)/, '$1\\$2'],
  [/^(`{3,}|~{3,})/, '\\$1'],
  [/^(=+|-+)[ \t]*$/, '\\$1'],
];

/** At the very start of a block, any list number and a lone bullet also open a block. */
const BLOCK_START: Array<[RegExp, string]> = [...INTERRUPTS, [/^(\d{1,9})([.)])(?=[ \t]|$)/, '$1\\$2'], [/^([-+*])$/, '\\$1'], [/^(\[[^\]\n]+\]:)/, '\\$1']];

function escapeLine(line: string, rules: Array<[RegExp, string]>): string {
  for (const [re, to] of rules) if (re.test(line)) return line.replace(re, to);
  return line;
}

export interface TextContext {
  /** The text begins a line of output (first in its block, or after a `<br>` or a block). */
  atLineStart: boolean;
  /** The text ends a line of output (last in its block, or before a `<br>` or a block). */
  atLineEnd: boolean;
  /** The inline element that follows the text with nothing between, else '' (see GLUED_BREAK). */
  beforeInline: string;
}

/**
 * The HTML was serialised with the newline before an inline tag dropped ("the<code>x</code>",
 * "(or<code>-d</code>)"). Counted in the sample's source Markdown, per character before the tag:
 * a letter, digit or ASCII punctuation was a line break 97 times out of 101 (any inline tag);
 * CJK punctuation before `<strong>` 19 of 21 (a bold lead-in on its own line), but before code
 * or links it is glued for real (425 of 441); an image follows a break. Other CJK text glues.
 */
const GLUED_BREAK = /[A-Za-z0-9.,;:!?]$/;
const CJK_PUNCT_END = /[\u3000-\u303f\uff00-\uffef]$/;

/** Did the serialiser probably drop a line break between this text and a `next` element? */
export function droppedBreakBefore(text: string, next: string): boolean {
  if (GLUED_BREAK.test(text)) return true;
  if (next === 'strong' || next === 'b') return CJK_PUNCT_END.test(text);
  return next === 'img' && /\S$/.test(text);
}

/**
 * A backslash the reader saw is one the source escaped (`\\`) if it stands before ASCII
 * punctuation or at the end of a text node (where markup such as `*` may follow): written alone
 * it would escape that character instead of showing.
 */
const SHOWN_BACKSLASH = new RegExp(`\\\\(?=[!-/:-@[-\`{-~]|$|${LINE_BREAK})`, 'g');

export function escapeBackslashes(text: string): string {
  return text.includes('\\') ? text.replace(SHOWN_BACKSLASH, '\\\\') : text;
}

/** Prose text prepared for the serializer: breaks kept as LINE_BREAK, block openers escaped. */
export function prepareProse(data: string, ctx: TextContext): string {
  let text = data;
  // Breaks at the edges of a line are layout, not content (the serializer trims the spaces itself).
  if (ctx.atLineStart) text = text.replace(/^[ \t\r\n]+/, '');
  if (ctx.atLineEnd) text = text.replace(/[ \t\r\n]+$/, '');
  if (text.includes('\n')) text = text.replace(SOFT_BREAK, softBreak);
  text = escapeBackslashes(text); // before adding escapes of our own
  if (text.includes(LINE_BREAK)) {
    const lines = text.split(LINE_BREAK);
    for (let i = 1; i < lines.length; i++) lines[i] = escapeLine(lines[i]!, INTERRUPTS);
    text = lines.join(LINE_BREAK);
  }
  if (ctx.atLineStart) {
    const lead = /^[ \t]*/.exec(text)![0];
    text = lead + escapeLine(text.slice(lead.length), BLOCK_START);
  }
  if (ctx.beforeInline && droppedBreakBefore(text, ctx.beforeInline)) text += LINE_BREAK;
  return text;
}

/** Prose text as the serializer writes it: never escaped (see above), kept breaks come back. */
export function restoreBreaks(text: string): string {
  return text.includes(LINE_BREAK) ? text.replace(LINE_BREAK_RE, '\n') : text;
}

/** Any kept break that ended up where restoreBreaks does not run (inline code) becomes a space. */
export function dropStrayBreaks(markdown: string): string {
  return markdown.includes(LINE_BREAK) ? markdown.replace(LINE_BREAK_RE, ' ') : markdown;
}

/** Without its leading and trailing newlines (a walk from each end: `\n+$` retries at every newline run). */
export function trimNewlines(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 10) a++;
  while (b > a && s.charCodeAt(b - 1) === 10) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
