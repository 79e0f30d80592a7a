/**
 * Errors of the template layer. Each carries a snake_case `reason` the caller can use verbatim as
 * the reject reason when it quarantines the sample (a template error is about one conversation,
 * not about the run), except `UnknownTemplateError`/option errors, which are usage errors.
 */
import { SftforgeError } from '../../core/errors.js';

export type TemplateErrorReason =
  /** Roles out of the order the format encodes by position (FastChat/UltraLM alternate by index). */
  | 'wrong_alternation'
  /** A system turn somewhere else than first, in a format that has only a leading system slot. */
  | 'system_not_first'
  /** The Jinja template raised (raise_exception) or failed while rendering this conversation. */
  | 'template_render_error'
  /** Spans could not be derived exactly for an `hf` template (content transformed, duplicated, dropped). */
  | 'template_span_mismatch'
  /** A tool turn or an assistant tool call, in a built-in template that has no way to write them (use `hf`). */
  | 'unsupported_role'
  /** Content holds the private sentinel/marker characters (U+FDD0..U+FDD3) the `hf` span derivation uses. */
  | 'reserved_characters';

export class TemplateError extends SftforgeError {
  constructor(
    readonly reason: TemplateErrorReason,
    readonly template: string,
    message: string,
    hint?: string,
  ) {
    super(`template ${template}: ${message}`, hint);
  }
}

/** Rendering worked but the character spans cannot be trusted: quarantine the sample. */
export class TemplateSpanError extends TemplateError {
  constructor(template: string, message: string, hint?: string) {
    super('template_span_mismatch', template, message, hint);
  }
}

/** A template name that no built-in has, or options a template cannot work with. */
export class TemplateConfigError extends SftforgeError {}
