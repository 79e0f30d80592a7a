/**
 * The interface both tokenizer backends implement: the Rust binding (`tokenizers`, fast) and the
 * pure-JS `@huggingface/tokenizers` (fallback when the native addon does not load). Offsets are
 * always UTF-16 code-unit offsets into the text that was encoded, so callers index JS strings
 * directly whatever the backend counts in (the Rust binding counts code points).
 */

import type { Locator } from './locator.js';

/** Which tokenizer definition to encode with (see spec.ts). */
export type Variant = 'full' | 'plain' | 'plainNoPrefix';

export interface Encoding {
  ids: Int32Array;
  /** Token offsets (UTF-16 units of the encoded text), answered on demand. */
  loc: Locator;
}

export type BackendKind = 'native' | 'js';

export interface Backend {
  readonly kind: BackendKind;
  /** Encodes without the post-processor's BOS/EOS: the template writes those itself. */
  encodeBatch(texts: readonly string[], variant: Variant): Promise<Encoding[]>;
  /** Decodes with special tokens kept and no clean-up of spaces (the mask check compares texts). */
  decodeBatch(ids: readonly (readonly number[])[]): Promise<string[]>;
  idToToken(id: number): string | undefined;
  /**
   * At most `n` encodeBatch calls in the library at once (0: no limit); the others wait in call
   * order and each starts as soon as one ends, before that one's results are converted. Backends
   * that encode on this thread have nothing to limit.
   */
  limitInFlight?(n: number): void;
}
