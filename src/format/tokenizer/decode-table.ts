/**
 * A decoder that runs in JS from a per-id byte table, for the decoder families we can model
 * exactly: ByteLevel (GPT-2, Qwen, Llama 3) and SentencePiece-style (`▁` → space, `<0xNN>` byte
 * fallback, Fuse, Strip; or Metaspace). The mask check decodes every trained run of every sample;
 * through the binding that costs about a third of tokenizing, here a table lookup per token.
 * Other decoders (WordPiece, CTC, …) return null and the backend's own decode is used. Tests check
 * that both decodes agree on a varied corpus.
 */
import type { TokenizerJson } from './spec.js';

type Piece =
  | { kind: 'replace'; from: string; to: string }
  | { kind: 'byteFallback' }
  | { kind: 'fuse' }
  | { kind: 'strip'; content: string; start: number }
  | { kind: 'byteLevel' }
  | { kind: 'metaspace'; repl: string; prefix: boolean };

function flatten(d: unknown, out: Piece[]): boolean {
  if (!d || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  switch (o.type) {
    case 'Sequence':
      return Array.isArray(o.decoders) && o.decoders.every((x) => flatten(x, out));
    case 'Replace': {
      const p = o.pattern as Record<string, unknown> | undefined;
      if (typeof p?.String !== 'string') return false;
      out.push({ kind: 'replace', from: p.String, to: String(o.content) });
      return true;
    }
    case 'ByteFallback':
      out.push({ kind: 'byteFallback' });
      return true;
    case 'Fuse':
      out.push({ kind: 'fuse' });
      return true;
    case 'Strip':
      if (o.stop) return false;
      out.push({ kind: 'strip', content: String(o.content), start: Number(o.start ?? 0) });
      return true;
    case 'ByteLevel':
      out.push({ kind: 'byteLevel' });
      return true;
    case 'Metaspace':
      out.push({ kind: 'metaspace', repl: String(o.replacement ?? '▁'), prefix: o.prepend_scheme !== 'never' && o.add_prefix_space !== false });
      return true;
    default:
      return false;
  }
}

/** GPT-2's bytes_to_unicode, inverted: byte-level character → byte. */
function byteLevelMap(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return new Map(bs.map((b, i) => [String.fromCodePoint(cs[i]!), b]));
}

const enc = new TextEncoder();
/** ASCII whitespace (what trimStart removes that one UTF-8 byte encodes). */
const isSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);
const UNSEEN = -1;
const MISSING = -2;
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

interface Plan {
  bytesFor: (s: string) => Uint8Array;
  strip: { content: string; start: number } | undefined;
}

/** How a token string becomes bytes under `decoder`; null for decoders the table cannot model. */
function planOf(decoder: unknown): Plan | null {
  const pieces: Piece[] = [];
  if (!flatten(decoder, pieces)) return null;
  const byteLevel = pieces.some((p) => p.kind === 'byteLevel');
  const fallback = pieces.some((p) => p.kind === 'byteFallback');
  const replaces = pieces.filter((p): p is Extract<Piece, { kind: 'replace' }> => p.kind === 'replace');
  const meta = pieces.find((p): p is Extract<Piece, { kind: 'metaspace' }> => p.kind === 'metaspace');
  const stripP = pieces.find((p): p is Extract<Piece, { kind: 'strip' }> => p.kind === 'strip');
  if (byteLevel && (replaces.length || meta || fallback)) return null;
  const bmap = byteLevel ? byteLevelMap() : undefined;
  const bytesFor = (s: string): Uint8Array => {
    if (bmap) {
      const out: number[] = [];
      for (const ch of s) {
        const b = bmap.get(ch);
        if (b !== undefined) out.push(b);
        else for (const x of enc.encode(ch)) out.push(x);
      }
      return Uint8Array.from(out);
    }
    const m = fallback ? BYTE_TOKEN.exec(s) : null;
    if (m) return Uint8Array.of(parseInt(m[1]!, 16));
    let t = s;
    for (const r of replaces) t = t.split(r.from).join(r.to);
    if (meta) t = t.split(meta.repl).join(' ');
    return enc.encode(t);
  };
  const strip = stripP ? { content: stripP.content, start: stripP.start } : meta?.prefix ? { content: ' ', start: 1 } : undefined;
  return { bytesFor, strip };
}

export class TableDecoder {
  private readonly strip: { content: string; start: number } | undefined;
  /** The decoder strips more than whitespace: equal bytes do not prove equal text (sameText). */
  private readonly stripsText: boolean;
  private readonly dec = new TextDecoder('utf-8');
  /** sameText's UTF-8 of the expected text, reused across calls. */
  private scratch = new Uint8Array(1 << 16);
  /**
   * Bytes per id, converted on first use: a run sees a fraction of the vocabulary, and converting
   * all of it cost ~0.4 s at start (issue #16). Flat typed arrays: a JS array of 150k slots is
   * kept in dictionary mode by V8, a hash lookup per token (most of the mask check's time).
   * `at[id]` is where id's bytes start in `pool` (UNSEEN before conversion, MISSING when the
   * vocabulary has no such id), `len[id]` how many there are.
   */
  private readonly at: Int32Array;
  private readonly len: Int32Array;
  private pool = new Uint8Array(1 << 16);
  private used = 0;

  private constructor(
    size: number,
    private readonly tokenAt: (id: number) => string | undefined,
    private readonly bytesFor: (s: string) => Uint8Array,
    strip: { content: string; start: number } | undefined,
  ) {
    this.strip = strip;
    this.stripsText = strip !== undefined && strip.content.trim() !== '';
    this.at = new Int32Array(size).fill(UNSEEN);
    this.len = new Int32Array(size);
  }

  /** null when the tokenizer's decoder is not one this table can reproduce. */
  static fromJson(j: TokenizerJson): TableDecoder | null {
    const plan = planOf(j.decoder);
    if (!plan) return null;
    const strings: (string | undefined)[] = [];
    const v = j.model.vocab;
    if (Array.isArray(v)) v.forEach(([t], i) => (strings[i] = t));
    // for…in, not Object.entries: no pair array per entry (150k entries for Qwen).
    else if (v) for (const t in v) strings[v[t]!] = t;
    for (const a of j.added_tokens ?? []) strings[a.id] = a.content;
    return new TableDecoder(strings.length, (id) => strings[id], plan.bytesFor, plan.strip);
  }

  /**
   * The same table over a token lookup (the Rust tokenizer's idToToken: added tokens first, then
   * the model, as fromJson's array): nothing is read from the vocabulary until an id is first met.
   * `size`: ids below it are looked up (the next free id; the lookup answers none above).
   */
  static fromLookup(decoder: unknown, size: number, tokenAt: (id: number) => string | undefined): TableDecoder | null {
    const plan = planOf(decoder);
    return plan && new TableDecoder(size, tokenAt, plan.bytesFor, plan.strip);
  }

  /** Where id's bytes start in `pool` (converting them on first use), or MISSING. */
  private slot(id: number): number {
    const a = id >= 0 && id < this.at.length ? this.at[id]! : MISSING;
    return a === UNSEEN ? this.convert(id) : a;
  }

  private convert(id: number): number {
    const s = this.tokenAt(id);
    if (s === undefined) return (this.at[id] = MISSING);
    const b = this.bytesFor(s);
    if (this.used + b.length > this.pool.length) {
      const grown = new Uint8Array(Math.max(this.pool.length * 2, this.used + b.length));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    this.pool.set(b, this.used);
    this.at[id] = this.used;
    this.len[id] = b.length;
    this.used += b.length;
    return this.used - b.length;
  }

  /** The bytes token `id` stands for (before the leading Strip), or undefined. */
  bytesOf(id: number): Uint8Array | undefined {
    const a = this.slot(id);
    return a === MISSING ? undefined : this.pool.slice(a, a + this.len[id]!);
  }

  /**
   * True when the ids' bytes are exactly `expected`'s UTF-8 after leading ASCII whitespace on
   * either side: then `decode(ids)` and `expected` agree after trimStart (decodedMatches), so the
   * mask check passes without building the string. False means "not proven": the caller decodes and compares as before. Skipped for a
   * Strip of non-whitespace and for lone surrogates (both would make equal bytes mean unequal text).
   */
  sameText(ids: ArrayLike<number>, expected: string): boolean {
    if (this.stripsText) return false;
    if (!(expected as unknown as { isWellFormed(): boolean }).isWellFormed()) return false;
    const need = expected.length * 3;
    if (this.scratch.length < need) this.scratch = new Uint8Array(Math.max(need, this.scratch.length * 2));
    const want = this.scratch;
    const written = enc.encodeInto(expected, want).written;
    const starts = this.at;
    const lens = this.len;
    // Leading ASCII whitespace is skipped on both sides, as the check's trimStart does: a
    // SentencePiece reply's first token holds the `▁` its decode strips.
    let at = 0;
    while (at < written && isSpace(want[at]!)) at++;
    let leading = true;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let a = starts[id]!;
      if (!(a >= 0)) a = this.slot(id); // unseen, missing, or out of range (undefined)
      if (a === MISSING) return false;
      const pool = this.pool;
      const end = a + lens[id]!;
      if (leading) {
        while (a < end && isSpace(pool[a]!)) a++;
        if (a < end) leading = false;
      }
      if (at + (end - a) > written) return false;
      for (; a < end; a++) if (pool[a] !== want[at++]) return false;
    }
    return at === written;
  }

  /** undefined when an id is not in the table (the caller uses the backend's decode). */
  decode(ids: ArrayLike<number>): string | undefined {
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      if (this.slot(ids[i]!) === MISSING) return undefined;
      n += this.len[ids[i]!]!;
    }
    const buf = new Uint8Array(n);
    const pool = this.pool;
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const a = this.at[ids[i]!]!;
      const len = this.len[ids[i]!]!;
      for (let k = 0; k < len; k++) buf[at + k] = pool[a + k]!;
      at += len;
    }
    let s = this.dec.decode(buf);
    if (this.strip) for (let k = 0; k < this.strip.start && s.startsWith(this.strip.content); k++) s = s.slice(this.strip.content.length);
    return s;
  }
}
