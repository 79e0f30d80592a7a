/** Errors of the tokenizer layer: each says what failed, where, and what to do. */
import { SftforgeError } from '../../core/errors.js';

/** The tokenizer named by --tokenizer cannot be found, read or built. */
export class TokenizerLoadError extends SftforgeError {}

/** A Hub tokenizer that is not in the cache while offline (or the Hub is unreachable). */
export class TokenizerOfflineError extends SftforgeError {}

/**
 * The pure-JS backend could not map tokens back to character offsets for this text (a normalizer
 * that rewrites text, e.g. NFC on decomposed input). The sample goes to the quarantine.
 */
export class OffsetAlignError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'OffsetAlignError';
  }
}
