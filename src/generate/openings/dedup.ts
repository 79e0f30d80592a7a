/**
 * Dedup of openings before any dialogue starts: exact after normalization (case, punctuation,
 * whitespace), then near (word-shingle MinHash, src/dedup). Only hashes and signatures are kept,
 * never the texts, so a pool of millions of openings stays small in memory.
 */
import { ExactDeduper, conversationHash } from '../../dedup/exact.js';
import { NearDeduper } from '../../dedup/near.js';
import { shingleHashes, signatureOfShingles } from '../../dedup/minhash.js';

export interface OpeningDedupOptions {
  /** Words per shingle (questions are short: 2 catches reworded copies). */
  shingle: number;
  /** Estimated Jaccard at or above which a later opening is a near duplicate. */
  threshold: number;
}

export type DedupVerdict = 'kept' | 'duplicate' | 'near_duplicate';

/** Lower case, punctuation and whitespace runs to one space: "What is X?" equals "what is x". */
export function normalizeOpening(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export class OpeningDeduper {
  private readonly exact = new ExactDeduper({ rememberIds: false });
  private readonly near: NearDeduper;
  private n = 0;

  constructor(private readonly opts: OpeningDedupOptions) {
    this.near = new NearDeduper({ threshold: opts.threshold, shingleSize: opts.shingle, rememberIds: false });
  }

  /** Checks `text` against everything kept so far and keeps it when new. */
  check(text: string): DedupVerdict {
    const norm = normalizeOpening(text);
    const label = String(this.n++);
    // The exact hasher keys a turn list; one user turn holding the normalized text is that key.
    if (this.exact.check(conversationHash({ turns: [{ role: 'user', content: norm }] }), label).firstOf !== undefined) return 'duplicate';
    const sh = shingleHashes(norm, this.opts.shingle);
    if (sh.length === 0) return 'kept';
    return this.near.check(signatureOfShingles(sh), label) ? 'near_duplicate' : 'kept';
  }
}
