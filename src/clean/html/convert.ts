/**
 * HTML → Markdown for ShareGPT assistant turns (the ChatGPT UI's `.markdown` element).
 *
 * Configured so that the Markdown the model wrote comes back: fenced code with its language and
 * exact text, no escaping added to prose (the HTML was rendered from Markdown, so its text never
 * needed escaping: `snake_case`, `2*3`, `[x]` stay), GFM tables, the author's line breaks. The
 * tree is parsed and prepared (prepare.ts), then serialized (markdown.ts).
 */
import { HtmlConversionError } from './errors.js';
import { serialize } from './markdown.js';
import { parseAnswer, prepareTree } from './prepare.js';
import { dropStrayBreaks } from './text.js';

/**
 * Convert one assistant turn's HTML to Markdown (trimmed). Run checkHtmlLimits first: the
 * serializer recurses per element and refuses answers nested past MAX_NESTING (2,000) levels.
 */
export function htmlToMarkdown(html: string): string {
  const root = parseAnswer(html);
  prepareTree(root);
  let md: string;
  try {
    md = serialize(root);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new HtmlConversionError(`HTML answer nests too deeply to convert (${e.message})`, 'reject it with checkHtmlLimits() before calling htmlToMarkdown()');
    }
    throw e;
  }
  return dropStrayBreaks(md).trim();
}
