/**
 * The Rust backend: the `tokenizers` npm binding (napi-rs, 0.23). It is CommonJS with a native
 * addon per platform; loading it can fail (no prebuilt binary for this platform, glibc too old),
 * so `tryLoadNative` returns null and the caller falls back to the JS backend.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import type { Backend, Encoding, Variant } from './backend.js';
import { TokenizerLoadError } from './errors.js';
import { tokenizerText } from './lazy-json.js';
import { ArrayLocator, type Locator } from './locator.js';
import { codePointToUtf16 } from './utf16.js';
import { type PreparedSpec, noPrefixVariant, plainVariant, type TokenizerJson } from './spec.js';

interface RsEncoding {
  getIds(): number[];
  getOffsets(): number[][];
  charToToken(pos: number): number | null;
  tokenToChars(token: number): [number, number] | null | undefined;
}
interface RsTokenizer {
  encodeBatch(texts: string[], opts?: { addSpecialTokens?: boolean }): Promise<RsEncoding[]>;
  decodeBatch(ids: number[][], skipSpecialTokens: boolean): Promise<string[]>;
  idToToken(id: number): string | null;
  tokenToId(token: string): number | null;
}
interface RsModule {
  Tokenizer: { fromString(s: string): RsTokenizer; fromFile(path: string): RsTokenizer };
}

let cached: RsModule | null | undefined;

/** The binding, or null when it cannot be loaded here (the reason is kept for --verbose output). */
export function tryLoadNative(): RsModule | null {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    cached = require('tokenizers') as RsModule;
    nativeLoadError = undefined;
  } catch (e) {
    cached = null;
    nativeLoadError = (e as Error).message.split('\n')[0];
  }
  return cached;
}

export let nativeLoadError: string | undefined;

/** The values the library reads as "off" (tokenizers' utils/parallelism.rs). */
const OFF = new Set(['', 'off', 'false', 'f', 'no', 'n', '0']);

export interface SerialBatches {
  /** True when each encodeBatch will run on its own thread alone (no rayon split). */
  readonly serial: boolean;
  /** Puts TOKENIZERS_PARALLELISM back as it was (a no-op when it was the user's). */
  restore(): void;
}

/**
 * Turns off the library's split of one encodeBatch over rayon's pool for as long as the caller
 * keeps several batches in flight itself (each on a libuv thread): on 2 cores the split only adds
 * CPU (work stealing, spinning; ~1 s of ~13 on 6.7M tokens). The library reads
 * TOKENIZERS_PARALLELISM at every call; a value the user set is left alone, and ours is removed
 * by `restore` so that child processes started later do not inherit it. Call both while no
 * encode runs (setenv is not safe against a concurrent getenv). Only the main thread's
 * environment reaches the library (a worker thread's process.env is a copy): elsewhere, nothing.
 */
export function serialBatches(): SerialBatches {
  const env = process.env;
  const own = env.TOKENIZERS_PARALLELISM;
  if (own !== undefined) return { serial: OFF.has(own.toLowerCase()), restore: () => undefined };
  if (!isMainThread) return { serial: false, restore: () => undefined };
  env.TOKENIZERS_PARALLELISM = 'false';
  return {
    serial: true,
    restore: () => {
      if (env.TOKENIZERS_PARALLELISM === 'false') delete env.TOKENIZERS_PARALLELISM;
    },
  };
}

/**
 * tokenizer.json as the binding should read it, when that differs from the file: with an empty
 * (not null) `continuing_subword_prefix` or `end_of_word_suffix`, as GPT-2-style files converted
 * by transformers have them (Qwen2, Qwen3), the library's BPE builds a new string for every
 * character of every word it merges (`format!("{prefix}{s}")`); null skips that and gives the same
 * tokens (13% less CPU for the bare encoder on the 30 MB benchmark input, docs/BENCHMARKS.md). The
 * text is rebuilt around the file's own vocabulary and merges (tokenizerText); undefined when
 * nothing is to change or the model was not scanned (the caller gives the file as it is).
 */
export function rustTokenizerText(j: TokenizerJson): string | undefined {
  const m = j.model as Record<string, unknown>;
  if (m.type !== 'BPE') return undefined;
  const patch: Record<string, null> = {};
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix']) if (m[k] === '') patch[k] = null;
  return Object.keys(patch).length ? tokenizerText(j, patch) : undefined;
}

export class NativeBackend implements Backend {
  readonly kind = 'native' as const;
  private readonly tokenizers = new Map<Variant, RsTokenizer>();

  /**
   * `asRead`: tokenizer.json itself, when `spec.full` is that file unchanged (no token added): its
   * path (valid UTF-8: the library reads it, with no 11 MB string decoded in JS and copied back to
   * Rust) or its text.
   */
  constructor(
    private readonly mod: RsModule,
    private readonly spec: PreparedSpec,
    asRead?: { file: string } | { text: string },
  ) {
    this.tokenizers.set('full', this.build(spec.full, asRead));
  }

  /**
   * The library gives added tokens ids by their order, not by the file's "id" (see plainVariant):
   * a tokenizer.json whose added ids have gaps would be encoded with other ids than the JS backend
   * and transformers' config give. Refuse it here (the loader then falls back to the JS backend).
   */
  private build(j: TokenizerJson, asRead?: { file: string } | { text: string }): RsTokenizer {
    const T = this.mod.Tokenizer;
    const text = rustTokenizerText(j);
    const t = text !== undefined ? T.fromString(text) : asRead && 'file' in asRead ? T.fromFile(asRead.file) : T.fromString(asRead?.text ?? tokenizerText(j) ?? JSON.stringify(j));
    for (const a of j.added_tokens ?? []) {
      const got = t.tokenToId(a.content);
      if (got !== a.id) {
        throw new TokenizerLoadError(
          `added token ${JSON.stringify(a.content)} gets id ${got} from the Rust tokenizers library, not its id ${a.id} in tokenizer.json (added-token ids with gaps)`,
          'use --tokenizer-backend js, which keeps the ids of tokenizer.json',
        );
      }
    }
    return t;
  }

  /** Variants are built on first use: most runs never see a special string inside content. */
  private get(variant: Variant): RsTokenizer {
    let t = this.tokenizers.get(variant);
    if (!t) {
      let j: TokenizerJson = plainVariant(this.spec.full);
      if (variant === 'plainNoPrefix') {
        if (!this.spec.prependFirstOnly) return this.get('plain');
        j = noPrefixVariant(j);
      }
      t = this.build(j);
      this.tokenizers.set(variant, t);
    }
    return t;
  }

  /** Encodes in the library now (see limitInFlight), and encodes waiting their turn. */
  private limit = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  limitInFlight(n: number): void {
    this.limit = Math.max(0, Math.floor(n));
    while (this.waiting.length && (this.limit === 0 || this.running < this.limit)) this.waiting.shift()!();
  }

  async encodeBatch(texts: readonly string[], variant: Variant): Promise<Encoding[]> {
    if (texts.length === 0) return [];
    const encs = await this.schedule(this.get(variant), texts as string[]);
    return encs.map((e, i) => toEncoding(e, texts[i]!));
  }

  /**
   * The library call, or a place in the queue. A finished encode starts the next one from its own
   * settlement callback, before its caller converts the results (getIds, masks, checks: tens of ms
   * per batch of this thread), so the encoder threads do not wait for this one between batches.
   */
  private schedule(t: RsTokenizer, texts: string[]): Promise<RsEncoding[]> {
    return new Promise((resolve, reject) => {
      const start = () => {
        this.running++;
        let p: Promise<RsEncoding[]>;
        try {
          p = t.encodeBatch(texts, { addSpecialTokens: false });
        } catch (e) {
          this.release();
          reject(e);
          return;
        }
        p.then(
          (r) => {
            this.release();
            resolve(r);
          },
          (e: unknown) => {
            this.release();
            reject(e);
          },
        );
      };
      if (this.limit === 0 || this.running < this.limit) start();
      else this.waiting.push(start);
    });
  }

  private release(): void {
    this.running--;
    if (this.waiting.length && (this.limit === 0 || this.running < this.limit)) this.waiting.shift()!();
  }

  decodeBatch(ids: readonly (readonly number[])[]): Promise<string[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.get('full').decodeBatch(ids as number[][], false);
  }

  idToToken(id: number): string | undefined {
    return this.get('full').idToToken(id) ?? undefined;
  }
}

function toEncoding(e: RsEncoding, text: string): Encoding {
  const ids = int32(e.getIds());
  return { ids, loc: new RustLocator(e, text, ids.length) };
}

/**
 * The binding's arrays are holey (filled element by element): `new Int32Array(a)` takes V8's
 * generic path for those, ~5× slower than this loop (0.2 s of the stage's main thread on 6.7M tokens).
 */
function int32(a: readonly number[]): Int32Array {
  const n = a.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]!;
  return out;
}

/**
 * Boundary queries answered by the binding (code points) and converted to UTF-16. When a character
 * belongs to no token (a normalizer removed it), the full offsets are fetched once and searched.
 */
class RustLocator implements Locator {
  private toUtf16: Uint32Array | null | undefined;
  private fromUtf16: Uint32Array | null | undefined;
  private full: ArrayLocator | undefined;

  constructor(
    private readonly e: RsEncoding,
    private readonly text: string,
    readonly count: number,
  ) {}

  private maps(): void {
    if (this.toUtf16 !== undefined) return;
    this.toUtf16 = codePointToUtf16(this.text);
    if (this.toUtf16) {
      const to = this.toUtf16;
      const from = (this.fromUtf16 = new Uint32Array(this.text.length + 1));
      for (let cp = 0; cp < to.length; cp++) from[to[cp]!] = cp;
    } else this.fromUtf16 = null;
  }
  private cp(pos: number): number {
    this.maps();
    return this.fromUtf16 ? this.fromUtf16[pos]! : pos;
  }
  private u16(cp: number): number {
    this.maps();
    return this.toUtf16 ? this.toUtf16[cp]! : cp;
  }
  private materialize(): ArrayLocator {
    if (!this.full) {
      const offs = this.e.getOffsets();
      const out = new Uint32Array(offs.length * 2);
      offs.forEach((o, i) => {
        out[2 * i] = this.u16(o[0]!);
        out[2 * i + 1] = this.u16(o[1]!);
      });
      this.full = new ArrayLocator(out);
    }
    return this.full;
  }
  /** tokenToChars allocates an array per call: remember the last few answers. */
  private readonly memo = new Map<number, [number, number]>();
  private chars(i: number): [number, number] | undefined {
    let c = this.memo.get(i);
    if (!c) {
      const r = this.e.tokenToChars(i);
      if (!r) return undefined;
      c = [this.u16(r[0]), this.u16(r[1])];
      if (this.memo.size > 64) this.memo.clear();
      this.memo.set(i, c);
    }
    return c;
  }
  start(i: number): number {
    if (this.full) return this.full.start(i);
    return this.chars(i)?.[0] ?? this.materialize().start(i);
  }
  end(i: number): number {
    if (this.full) return this.full.end(i);
    return this.chars(i)?.[1] ?? this.materialize().end(i);
  }
  private at(pos: number): number | null {
    return pos >= this.text.length ? null : this.e.charToToken(this.cp(pos));
  }
  firstEndingAfter(pos: number): number {
    if (this.full) return this.full.firstEndingAfter(pos);
    if (pos >= this.text.length) return this.count;
    const t = this.at(pos);
    if (t === null || t === undefined) return this.materialize().firstEndingAfter(pos);
    // charToToken gives the first token holding pos; no earlier token can end after pos, since
    // starts do not decrease (it would hold pos too).
    return t;
  }
  firstStartingFrom(pos: number): number {
    if (this.full) return this.full.firstStartingFrom(pos);
    if (pos >= this.text.length) return this.count;
    const t = this.at(pos);
    if (t === null || t === undefined) return this.materialize().firstStartingFrom(pos);
    // t is the first token holding pos: it starts at pos, or straddles it (then so may the next
    // ones, e.g. the byte-fallback tokens of one character).
    if (this.start(t) >= pos) return t;
    let i = t + 1;
    while (i < this.count && this.start(i) < pos) i++;
    return i;
  }
}
