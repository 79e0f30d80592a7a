/**
 * Token offsets for the pure-JS backend, which reports none. A section of text (between added
 * tokens) goes through the normalizer and pre-tokenizer and comes out as a byte stream that the
 * model's tokens concatenate to. We rebuild that stream from the configuration (`▁` prepended,
 * spaces replaced, byte-level mapping), remembering for every byte which original character it came
 * from, then walk the tokens' byte lengths through it. A prepended `▁` is aligned to the first
 * character, as the Rust library aligns it. Configurations we cannot follow are refused when the
 * backend is built, not discovered sample by sample.
 */
import { OffsetAlignError } from './errors.js';
import { utf8Len } from './utf16.js';

type Op =
  | { kind: 'prepend'; s: string }
  | { kind: 'replace'; from: string; to: string }
  | { kind: 'unorm'; form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' }
  | { kind: 'metaspace'; repl: string; scheme: 'always' | 'first' | 'never' }
  | { kind: 'bytelevelPrefix' };

export interface AlignPlan {
  ops: Op[];
  /** Tokens are in the byte-level alphabet: one character per byte. */
  byteLevel: boolean;
  /** `<0xNN>` tokens stand for one byte. */
  byteFallback: boolean;
  subwordPrefix: string;
  wordSuffix: string;
}

/** Reads the normalizer/pre-tokenizer/model config; returns an error message when unsupported. */
export function planAlignment(json: { normalizer?: unknown; pre_tokenizer?: unknown; model: Record<string, unknown> }): AlignPlan | string {
  const ops: Op[] = [];
  const norm = (n: unknown): string | undefined => {
    if (!n) return undefined;
    const o = n as Record<string, unknown>;
    switch (o.type) {
      case 'Sequence':
        for (const x of (o.normalizers as unknown[]) ?? []) {
          const err = norm(x);
          if (err) return err;
        }
        return undefined;
      case 'Prepend':
        ops.push({ kind: 'prepend', s: String(o.prepend) });
        return undefined;
      case 'Replace': {
        const p = o.pattern as Record<string, unknown>;
        if (typeof p?.String !== 'string' || [...(p.String as string)].length !== 1) return `Replace normalizer with pattern ${JSON.stringify(p)}`;
        ops.push({ kind: 'replace', from: p.String as string, to: String(o.content) });
        return undefined;
      }
      case 'NFC':
      case 'NFD':
      case 'NFKC':
      case 'NFKD':
        ops.push({ kind: 'unorm', form: o.type });
        return undefined;
      default:
        return `normalizer ${String(o.type)}`;
    }
  };
  let byteLevel = false;
  let first = true;
  const pre = (p: unknown): string | undefined => {
    if (!p) return undefined;
    const o = p as Record<string, unknown>;
    switch (o.type) {
      case 'Sequence':
        for (const x of (o.pretokenizers as unknown[]) ?? []) {
          const err = pre(x);
          if (err) return err;
        }
        return undefined;
      case 'Metaspace': {
        const repl = String(o.replacement ?? '▁');
        const scheme = (o.prepend_scheme as 'always' | 'first' | 'never' | undefined) ?? (o.add_prefix_space === false ? 'never' : 'always');
        ops.push({ kind: 'metaspace', repl, scheme });
        first = false;
        return undefined;
      }
      case 'ByteLevel':
        byteLevel = true;
        if (o.add_prefix_space) {
          if (!first) return 'ByteLevel pre-tokenizer with add_prefix_space after another pre-tokenizer';
          ops.push({ kind: 'bytelevelPrefix' });
        }
        first = false;
        return undefined;
      case 'Split':
        if (o.behavior !== 'Isolated' || o.invert) return `Split pre-tokenizer with behavior ${String(o.behavior)}${o.invert ? ' (inverted)' : ''}`;
        first = false;
        return undefined;
      case 'Digits':
      case 'Punctuation':
        first = false;
        return undefined;
      default:
        return `pre-tokenizer ${String(o.type)}`;
    }
  };
  const e1 = norm(json.normalizer) ?? pre(json.pre_tokenizer);
  if (e1) return e1;
  const m = json.model;
  if (m.type !== 'BPE' && m.type !== 'WordPiece' && m.type !== 'WordLevel') return `model ${String(m.type)}`;
  return {
    ops,
    byteLevel,
    byteFallback: m.byte_fallback === true,
    subwordPrefix: typeof m.continuing_subword_prefix === 'string' ? m.continuing_subword_prefix : '',
    wordSuffix: typeof m.end_of_word_suffix === 'string' ? m.end_of_word_suffix : '',
  };
}

/** Units of the transformed text: each produced string and the original UTF-16 range it stands for. */
interface Units {
  s: string[];
  start: number[];
  end: number[];
}

function unitsOf(text: string, base: number): Units {
  const u: Units = { s: [], start: [], end: [] };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    u.s.push(text.slice(i, i + n));
    u.start.push(base + i);
    u.end.push(base + i + n);
    i += n;
  }
  return u;
}

function prependUnit(u: Units, s: string): void {
  if (u.s.length === 0) return;
  // Aligned to the first character, as the Rust library aligns a prepended `▁`.
  const [s0, e0] = [u.start[0]!, u.end[0]!];
  u.s.unshift(s);
  u.start.unshift(s0);
  u.end.unshift(e0);
}

function startsWith(u: Units, s: string): boolean {
  return u.s.length > 0 && u.s[0]!.startsWith(s);
}

/**
 * Offsets (UTF-16, absolute: `base` added) of `tokens`, which the model produced for `text` (one
 * section, at `base` in the whole string). `atStart`: the section starts the string (Metaspace
 * `first`).
 */
export function alignTokens(plan: AlignPlan, text: string, base: number, atStart: boolean, tokens: readonly string[], out: number[]): void {
  const u = unitsOf(text, base);
  for (const op of plan.ops) {
    switch (op.kind) {
      case 'prepend':
        prependUnit(u, op.s);
        break;
      case 'replace':
        for (let i = 0; i < u.s.length; i++) if (u.s[i] === op.from) u.s[i] = op.to;
        break;
      case 'unorm':
        if (text.normalize(op.form) !== text) throw new OffsetAlignError(`text is not in ${op.form} form, which the JS backend cannot align`);
        break;
      case 'metaspace':
        for (let i = 0; i < u.s.length; i++) if (u.s[i] === ' ') u.s[i] = op.repl;
        if ((op.scheme === 'always' || (op.scheme === 'first' && atStart)) && !startsWith(u, op.repl)) prependUnit(u, op.repl);
        break;
      case 'bytelevelPrefix':
        if (!startsWith(u, ' ')) prependUnit(u, ' ');
        break;
    }
  }
  // Byte index → unit index.
  let total = 0;
  const unitBytes: number[] = [];
  for (const s of u.s) {
    let b = 0;
    for (const ch of s) b += utf8Len(ch.codePointAt(0)!);
    unitBytes.push(b);
    total += b;
  }
  const byteUnit = new Int32Array(total);
  for (let i = 0, p = 0; i < u.s.length; i++) for (let k = 0; k < unitBytes[i]!; k++) byteUnit[p++] = i;
  let pos = 0;
  for (const t of tokens) {
    const n = tokenBytes(plan, t);
    if (n === 0) {
      // A zero-length token (never seen with BPE): give it an empty range at the cursor.
      const at = pos < total ? u.start[byteUnit[pos]!]! : base + text.length;
      out.push(at, at);
      continue;
    }
    if (pos + n > total) throw new OffsetAlignError(`tokens cover more bytes than the text (${pos + n} > ${total})`);
    out.push(u.start[byteUnit[pos]!]!, u.end[byteUnit[pos + n - 1]!]!);
    pos += n;
  }
  if (pos !== total) throw new OffsetAlignError(`tokens cover ${pos} of ${total} bytes`);
}

const BYTE_TOKEN = /^<0x[0-9A-Fa-f]{2}>$/;

function tokenBytes(plan: AlignPlan, token: string): number {
  let t = token;
  if (plan.byteFallback && BYTE_TOKEN.test(t)) return 1;
  if (plan.subwordPrefix && t.startsWith(plan.subwordPrefix)) t = t.slice(plan.subwordPrefix.length);
  if (plan.wordSuffix && t.endsWith(plan.wordSuffix)) t = t.slice(0, -plan.wordSuffix.length);
  if (plan.byteLevel) return t.length;
  let n = 0;
  for (const ch of t) n += utf8Len(ch.codePointAt(0)!);
  return n;
}
