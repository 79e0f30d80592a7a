/**
 * Token ↔ character lookups without materialising every token's offsets. Asking the Rust binding
 * for all offsets (`getOffsets`, one JS array per token) costs about as much as tokenizing, while
 * the mask only needs the tokens at span boundaries; so a Locator answers boundary queries, from a
 * full offsets array (JS backend) or from the binding's `charToToken`/`tokenToChars` (a few calls
 * per span). Offsets are UTF-16 units and assumed non-decreasing in both start and end, which a
 * left-to-right tokenization gives.
 */

export interface Locator {
  readonly count: number;
  start(i: number): number;
  end(i: number): number;
  /** First token whose end is > pos (count if none). */
  firstEndingAfter(pos: number): number;
  /** First token whose start is >= pos (count if none). */
  firstStartingFrom(pos: number): number;
}

/** Tokens overlapping [s, e): the rule of `return_assistant_tokens_mask`. */
export function overlapping(loc: Locator, s: number, e: number): [number, number] {
  if (e <= s) return [0, 0];
  const first = loc.firstEndingAfter(s);
  const last = loc.firstStartingFrom(e);
  return first < last ? [first, last] : [0, 0];
}

export class ArrayLocator implements Locator {
  readonly count: number;
  constructor(readonly offsets: Uint32Array) {
    this.count = offsets.length / 2;
  }
  start(i: number): number {
    return this.offsets[2 * i]!;
  }
  end(i: number): number {
    return this.offsets[2 * i + 1]!;
  }
  firstEndingAfter(pos: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.offsets[2 * m + 1]! > pos) hi = m;
      else lo = m + 1;
    }
    return lo;
  }
  firstStartingFrom(pos: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.offsets[2 * m]! >= pos) hi = m;
      else lo = m + 1;
    }
    return lo;
  }
}

/** One piece of a text tokenized in pieces: its tokens start at `tok0`, its offsets are shifted by `shift`. */
export interface Part {
  tok0: number;
  shift: number;
  /** Character range of the piece in the whole text. */
  c0: number;
  c1: number;
  loc: Locator;
}

/** Offsets of a text tokenized in pieces, answered part by part. */
export class CompositeLocator implements Locator {
  readonly count: number;
  constructor(private readonly parts: readonly Part[]) {
    const last = parts[parts.length - 1];
    this.count = last ? last.tok0 + last.loc.count : 0;
  }
  private byToken(i: number): Part {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const m = (lo + hi + 1) >> 1;
      if (this.parts[m]!.tok0 <= i) lo = m;
      else hi = m - 1;
    }
    return this.parts[lo]!;
  }
  /** First part whose character range ends after pos. */
  private byChar(pos: number): number {
    let lo = 0;
    let hi = this.parts.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.parts[m]!.c1 > pos) hi = m;
      else lo = m + 1;
    }
    return lo;
  }
  start(i: number): number {
    const p = this.byToken(i);
    return p.loc.start(i - p.tok0) + p.shift;
  }
  end(i: number): number {
    const p = this.byToken(i);
    return p.loc.end(i - p.tok0) + p.shift;
  }
  private find(pos: number, q: (l: Locator, rel: number) => number): number {
    for (let k = this.byChar(pos); k < this.parts.length; k++) {
      const p = this.parts[k]!;
      const r = q(p.loc, Math.max(0, pos - p.shift));
      if (r < p.loc.count) return p.tok0 + r;
    }
    return this.count;
  }
  firstEndingAfter(pos: number): number {
    return this.find(pos, (l, rel) => l.firstEndingAfter(rel));
  }
  firstStartingFrom(pos: number): number {
    return this.find(pos, (l, rel) => l.firstStartingFrom(rel));
  }
}
