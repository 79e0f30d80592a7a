/**
 * A SentencePiece `tokenizer.model` (protobuf ModelProto, sentencepiece_model.proto) converted to a
 * tokenizer.json the way transformers' converters do it (convert_slow_tokenizer.py: LlamaConverter
 * for BPE models, SpmConverter for Unigram ones), so a folder holding only Meta's tokenizer.model
 * loads like one holding tokenizer.json. The protobuf is read here: only the fields the conversion
 * needs (pieces, trainer_spec.model_type/byte_fallback/unk_id/bos_id, normalizer_spec).
 */
import { TokenizerLoadError } from './errors.js';
import type { AddedTokenJson, TokenizerJson } from './spec.js';

export interface SpmPiece {
  piece: string;
  score: number;
  /** 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte. */
  type: number;
}

export interface SpmModel {
  pieces: SpmPiece[];
  /** 1 unigram, 2 BPE, 3 word, 4 char. */
  modelType: number;
  byteFallback: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  addDummyPrefix: boolean;
  normalizerName: string;
  precompiledCharsmap?: Uint8Array;
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly where: string,
  ) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw this.bad('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 63) throw this.bad('varint too long');
    }
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw this.bad('field runs past the end');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  fixed32(): number {
    if (this.pos + 4 > this.buf.length) throw this.bad('truncated fixed32');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw this.bad(`unsupported wire type ${wire}`);
  }
  /** Iterates (field number, wire type) until the end. */
  *fields(): Generator<[number, number]> {
    while (!this.done) {
      const key = this.varint();
      yield [Math.floor(key / 8), key & 7];
    }
  }
  bad(what: string): TokenizerLoadError {
    return new TokenizerLoadError(`${this.where}: not a SentencePiece model (${what} at byte ${this.pos})`, 'pass the tokenizer.model file shipped with the model, or a folder with tokenizer.json');
  }
}

// ignoreBOM: piece 30143 of LLaMA is U+FEFF itself, which a default decoder would strip.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function parseSentencePiece(buf: Uint8Array, where: string): SpmModel {
  const m: SpmModel = { pieces: [], modelType: 1, byteFallback: false, unkId: 0, bosId: 1, eosId: 2, addDummyPrefix: true, normalizerName: 'nmt_nfkc' };
  const r = new Reader(buf, where);
  for (const [field, wire] of r.fields()) {
    if (field === 1 && wire === 2) {
      const p = new Reader(r.bytes(), where);
      const piece: SpmPiece = { piece: '', score: 0, type: 1 };
      for (const [f, w] of p.fields()) {
        if (f === 1 && w === 2) piece.piece = utf8.decode(p.bytes());
        else if (f === 2 && w === 5) piece.score = p.fixed32();
        else if (f === 3 && w === 0) piece.type = p.varint();
        else p.skip(w);
      }
      m.pieces.push(piece);
    } else if (field === 2 && wire === 2) {
      const t = new Reader(r.bytes(), where);
      for (const [f, w] of t.fields()) {
        if (f === 3 && w === 0) m.modelType = t.varint();
        else if (f === 35 && w === 0) m.byteFallback = t.varint() !== 0;
        else if (f === 40 && w === 0) m.unkId = signed(t.varint());
        else if (f === 41 && w === 0) m.bosId = signed(t.varint());
        else if (f === 42 && w === 0) m.eosId = signed(t.varint());
        else t.skip(w);
      }
    } else if (field === 3 && wire === 2) {
      const n = new Reader(r.bytes(), where);
      for (const [f, w] of n.fields()) {
        if (f === 1 && w === 2) m.normalizerName = utf8.decode(n.bytes());
        else if (f === 2 && w === 2) m.precompiledCharsmap = n.bytes();
        else if (f === 3 && w === 0) m.addDummyPrefix = n.varint() !== 0;
        else n.skip(w);
      }
    } else r.skip(wire);
  }
  if (m.pieces.length === 0) throw r.bad('no pieces');
  return m;
}

/** int32 fields are varints of their two's complement (-1 is 2**64 - 1). */
function signed(v: number): number {
  return v >= 2 ** 63 ? -1 : v > 0x7fffffff ? v - 2 ** 32 : v;
}

/**
 * Merges as transformers' SentencePieceExtractor.extract(vocab_scores) wrote them for LLaMA (the
 * converter that made Meta's tokenizer.json): every pair of pieces (left, right) whose
 * concatenation is a piece with a non-zero score (`if piece_score:` skips 0.0), ordered by that
 * score, highest first, ties by left id then right id (its loops over the vocabulary in id order and
 * a stable sort). SentencePiece's BPE merges by the merged piece's score, so this order reproduces
 * it. (transformers 5's generate_merges orders by merged id instead, which moves LLaMA's -1e9-scored
 * whitespace pieces first; sentencepiece itself does not.)
 */
export function spmMerges(pieces: readonly SpmPiece[]): string[] {
  const vocab = new Map<string, number>();
  pieces.forEach((p, i) => vocab.set(p.piece, i));
  const merges: { l: number; r: number; score: number }[] = [];
  for (const p of pieces) {
    if (p.score === 0) continue;
    const cps = Array.from(p.piece);
    for (let k = 1; k < cps.length; k++) {
      const l = vocab.get(cps.slice(0, k).join(''));
      const r = vocab.get(cps.slice(k).join(''));
      if (l !== undefined && r !== undefined) merges.push({ l, r, score: p.score });
    }
  }
  merges.sort((a, b) => b.score - a.score || a.l - b.l || a.r - b.r);
  return merges.map((m) => `${pieces[m.l]!.piece} ${pieces[m.r]!.piece}`);
}

function added(m: SpmModel): AddedTokenJson[] {
  const out: AddedTokenJson[] = [];
  m.pieces.forEach((p, id) => {
    // Unknown and control pieces are special; user-defined ones are matched as they are written.
    if (p.type === 2 || p.type === 3) out.push({ id, content: p.piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    else if (p.type === 4) out.push({ id, content: p.piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
  });
  return out;
}

/** The tokenizer.json transformers writes for this model (LlamaConverter for BPE, SpmConverter for Unigram). */
export function sentencePieceToTokenizerJson(m: SpmModel, where: string): TokenizerJson {
  const unk = m.pieces[m.unkId]?.piece ?? '<unk>';
  const bos = m.bosId >= 0 ? m.pieces[m.bosId]?.piece : undefined;
  const decoders: Record<string, unknown>[] = [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }];
  if (m.addDummyPrefix) decoders.push({ type: 'Strip', content: ' ', start: 1, stop: 0 });
  const base = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added(m),
    post_processor: bos
      ? {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { [bos]: { id: bos, ids: [m.bosId], tokens: [bos] } },
        }
      : null,
    decoder: { type: 'Sequence', decoders },
  };
  const normalizers: Record<string, unknown>[] = [];
  if (m.precompiledCharsmap?.length && m.normalizerName !== 'identity') normalizers.push({ type: 'Precompiled', precompiled_charsmap: Buffer.from(m.precompiledCharsmap).toString('base64') });
  if (m.addDummyPrefix) normalizers.push({ type: 'Prepend', prepend: '▁' });
  normalizers.push({ type: 'Replace', pattern: { String: ' ' }, content: '▁' });
  const normalizer = { type: 'Sequence', normalizers };
  if (m.modelType === 2) {
    const vocab: Record<string, number> = {};
    m.pieces.forEach((p, i) => (vocab[p.piece] = i));
    return {
      ...base,
      normalizer,
      pre_tokenizer: null,
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: unk,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: true,
        byte_fallback: m.byteFallback,
        vocab,
        merges: spmMerges(m.pieces),
      },
    } as TokenizerJson;
  }
  if (m.modelType === 1) {
    return {
      ...base,
      normalizer,
      pre_tokenizer: null,
      model: { type: 'Unigram', unk_id: m.unkId, vocab: m.pieces.map((p) => [p.piece, p.score] as [string, number]), byte_fallback: m.byteFallback },
    } as TokenizerJson;
  }
  throw new TokenizerLoadError(
    `${where}: a SentencePiece ${m.modelType === 3 ? 'word' : 'char'} model, which sftforge cannot convert`,
    "pass a folder with the model's tokenizer.json (transformers: AutoTokenizer.from_pretrained(DIR).save_pretrained(OUT))",
  );
}
