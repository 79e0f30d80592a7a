/**
 * Where a rendered conversation is cut before tokenization.
 *
 * Special tokens are recognized only outside message content: a user who types `</s>` or
 * `<|im_end|>` gets plain text, never a control token (every tokenizer library matches them
 * anywhere by default). HF tokenizers splits the input on added tokens first and runs the
 * normalizer, pre-tokenizer and model on each piece between them; so tokenizing the pieces
 * between the template's own special tokens, with special-token matching switched off, gives
 * exactly the whole-string result when content holds no special string (tested). The only
 * position-dependent step is Metaspace `prepend_scheme: "first"`, where only the piece at offset 0
 * gets `▁`: later pieces use the `plainNoPrefix` variant.
 *
 * - `whole`: if no content holds a special string, the whole text is one piece (the tokenizer as
 *   inference runs it); otherwise pieces split at special tokens found outside content.
 * - `segments` (OpenChat's way): also cut at every content boundary, each piece tokenized apart.
 */
import type { Rendered, Span } from './templates/types.js';
import type { Variant } from './tokenizer/backend.js';
import { type AddedTokenJson, escapeRe } from './tokenizer/spec.js';

export type Piece = { kind: 'special'; start: number; end: number; id: number } | { kind: 'text'; start: number; end: number; variant: Variant };

export interface PiecePlan {
  /** null: encode the whole text with the full tokenizer. */
  pieces: Piece[] | null;
  /** Special-token strings found inside content (kept as plain text). */
  contentSpecials: number;
}

export type TokenizeMode = 'whole' | 'segments';

export interface PlanOptions {
  mode: TokenizeMode;
  /** Tokenizer prefixes every encoded string with a space (SentencePiece): see segments below. */
  prefixesEveryPiece: boolean;
  /** Use pieces even when no content holds a special string (tests compare both ways). */
  forcePieces?: boolean;
}

/** Finds special-token strings, leftmost-longest like HF's added-vocabulary matcher. */
export class SpecialScanner {
  private readonly re: RegExp | null;
  private readonly endRe: RegExp | null;
  private readonly longest: number;
  constructor(readonly specials: ReadonlyMap<string, AddedTokenJson>) {
    const alts = [...specials.keys()]
      .filter(Boolean)
      .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
      .map(escapeRe);
    this.re = alts.length ? new RegExp(alts.join('|'), 'g') : null;
    this.endRe = alts.length ? new RegExp(`(?:${alts.join('|')})$`) : null;
    this.longest = Math.max(0, ...[...specials.keys()].map((k) => k.length));
  }
  /** The special token whose string ends exactly at `end`, if any (the longest). */
  endingAt(text: string, start: number, end: number): AddedTokenJson | undefined {
    if (!this.endRe) return undefined;
    const m = this.endRe.exec(text.slice(Math.max(start, end - this.longest), end));
    return m ? this.specials.get(m[0]) : undefined;
  }
  /** Matches in text[from, to) as [start, end] pairs (absolute offsets). */
  scan(text: string, from = 0, to = text.length): [number, number][] {
    const out: [number, number][] = [];
    if (!this.re || to <= from) return out;
    const sub = from === 0 && to === text.length ? text : text.slice(from, to);
    this.re.lastIndex = 0;
    for (let m = this.re.exec(sub); m; m = this.re.exec(sub)) out.push([from + m.index, from + m.index + m[0].length]);
    return out;
  }
  token(s: string): AddedTokenJson {
    return this.specials.get(s)!;
  }
}

/** Content spans sorted, empty ones dropped. */
function contentSpans(r: Rendered): Span[] {
  return r.content.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
}

/** Regions of the text outside every content span. */
function gaps(text: string, spans: readonly Span[]): [number, number][] {
  const out: [number, number][] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start > at) out.push([at, s.start]);
    at = Math.max(at, s.end);
  }
  if (at < text.length) out.push([at, text.length]);
  return out;
}

export function planPieces(r: Rendered, scanner: SpecialScanner, o: PlanOptions): PiecePlan {
  const spans = contentSpans(r);
  const gapList = gaps(r.text, spans);
  // A match counts as the template's own only when it lies wholly in one gap.
  let inGaps = 0;
  const all = scanner.scan(r.text);
  for (const [s, e] of all) if (gapList.some(([g0, g1]) => s >= g0 && e <= g1)) inGaps++;
  const contentSpecials = all.length - inGaps;
  if (o.mode === 'whole' && contentSpecials === 0 && !o.forcePieces) return { pieces: null, contentSpecials };

  const cuts: Piece[] = [];
  for (const [g0, g1] of gapList) {
    for (const [s0, e0] of scanner.scan(r.text, g0, g1)) {
      const tok = scanner.token(r.text.slice(s0, e0));
      let s = s0;
      let e = e0;
      // lstrip/rstrip tokens swallow neighbouring whitespace (within the template's text only).
      if (tok.lstrip) while (s > g0 && /\s/.test(r.text[s - 1]!)) s--;
      if (tok.rstrip) while (e < g1 && /\s/.test(r.text[e]!)) e++;
      const prev = cuts[cuts.length - 1];
      if (prev && s < prev.end) s = prev.end;
      cuts.push({ kind: 'special', start: s, end: e, id: tok.id });
    }
  }
  const bounds = new Set<number>();
  if (o.mode === 'segments') for (const sp of spans) bounds.add(sp.start).add(sp.end);
  const contentStarts = new Set(spans.map((s) => s.start));

  const pieces: Piece[] = [];
  const text = (start: number, end: number) => {
    if (o.mode === 'whole') {
      if (end > start) pieces.push({ kind: 'text', start, end, variant: start === 0 ? 'plain' : 'plainNoPrefix' });
      return;
    }
    // Segments: each piece stands alone, as OpenChat tokenizes prefix, content and end marker.
    const cutsAt = [...bounds].filter((b) => b > start && b < end).sort((a, b) => a - b);
    let at = start;
    for (const b of [...cutsAt, end]) {
      let pe = b;
      // SentencePiece puts `▁` before each piece: the space between "Assistant:" and the reply is
      // that prefix, so the header is tokenized without it (ochat's "GPT4 Correct Assistant:").
      if (o.prefixesEveryPiece && contentStarts.has(b) && pe > at && r.text[pe - 1] === ' ') pe--;
      if (pe > at) pieces.push({ kind: 'text', start: at, end: pe, variant: 'plain' });
      at = b;
    }
  };
  let at = 0;
  for (const c of cuts) {
    text(at, c.start);
    pieces.push(c);
    at = c.end;
  }
  text(at, r.text.length);
  return { pieces, contentSpecials };
}
