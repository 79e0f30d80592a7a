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
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  type HtmlLimits,
  type HtmlLimitViolation,
} from './limits.js';
export { stripShareGptArtifacts, type StripResult } from './artifacts.js';
export { HtmlConversionError } from './errors.js';
