/**
 * HTML → Markdown for ShareGPT assistant turns, and the guards around it. The cleaning stage
 * calls, per assistant turn: looksLikeHtml → checkHtmlLimits → htmlToMarkdown, then
 * stripShareGptArtifacts on every turn (user turns never go through the converter).
 */
export { htmlToMarkdown } from './convert.js';
export { looksLikeHtml } from './detect.js';
export {
  checkHtmlLimits,
  htmlDepth,
  measureHtml,
  scanHtml,
  DEFAULT_MAX_ATTRIBUTES,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ELEMENTS,
  DEFAULT_MAX_TABLE_CELLS,
  type HtmlLimitReason,
  type HtmlLimits,
  type HtmlLimitViolation,
  type HtmlScan,
} from './limits.js';
export { stripShareGptArtifacts, type StripResult } from './artifacts.js';
export { HtmlConversionError } from './errors.js';
