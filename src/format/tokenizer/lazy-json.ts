/**
 * tokenizer.json read for the Rust backend without parsing the model's vocabulary and merges in
 * JS. The binding builds its own tokenizer from the file; JS needs only the small sections (added
 * tokens, normalizer, pre-tokenizer, decoder) and the largest model id. On Qwen3's 11 MB file a
 * full JSON.parse cost 0.25-0.35 s of the main thread before the first encode; a byte scan for the
 * sections' bounds costs a tenth of that. `model.vocab` and `model.merges` become getters that
 * parse their slice on first read, so code that needs them (the JS backend, the plain variants'
 * vocabulary lookups, inspect, the OpenChat family check) sees what JSON.parse would give.
 */
import { BACKSLASH, COLON, COMMA, isJsonSpace, LBRACE, LBRACK, QUOTE, RBRACE, RBRACK } from '../../io/limits.js';
import type { TokenizerJson } from './spec.js';

/** Raised inside the scan for anything it does not follow: the caller then parses the whole text. */
const NOT_SCANNED = Symbol('not scanned');

interface Source {
  bytes: Buffer;
  /** The model value's bounds in `bytes`. */
  model: [number, number];
  vocab?: [number, number];
  merges?: [number, number];
  /** The vocabulary's largest id, read as the scan passed over it (undefined: not a plain object of integers). */
  maxId?: number;
  /** A lazy section was assigned: its bytes no longer stand for the object. */
  touched: boolean;
}

/** Scanned model objects → where they came from (looked up by tokenizerText and scannedMaxId). */
const sources = new WeakMap<object, Source>();

function skipWs(b: Buffer, i: number): number {
  while (i < b.length && isJsonSpace(b[i]!)) i++;
  return i;
}

/** `b[i]` is a quote: the index after the closing one. */
function stringEnd(b: Buffer, i: number): number {
  const n = b.length;
  for (i++; i < n; ) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    i += c === BACKSLASH ? 2 : 1;
  }
  throw NOT_SCANNED;
}

/** The index after the JSON value starting at `i` (brackets matched outside strings; not validated). */
function valueEnd(b: Buffer, i: number): number {
  const n = b.length;
  let c = b[i];
  if (c === QUOTE) return stringEnd(b, i);
  if (c !== LBRACE && c !== LBRACK) {
    while (i < n && (c = b[i]!) !== COMMA && c !== RBRACE && c !== RBRACK && !isJsonSpace(c)) i++;
    return i;
  }
  let depth = 0;
  while (i < n) {
    c = b[i]!;
    if (c === QUOTE) {
      i = stringEnd(b, i);
      continue;
    }
    if (c === LBRACE || c === LBRACK) depth++;
    else if ((c === RBRACE || c === RBRACK) && --depth === 0) return i + 1;
    i++;
  }
  throw NOT_SCANNED;
}

interface Member {
  key: string;
  start: number;
  end: number;
  /** The members of the value, when it is the object named by `nested`. */
  members?: Member[];
  /** A `vocab` object inside `nested`: its largest id (see vocabulary). */
  maxId?: number;
}

/**
 * The `{"token": id, ...}` object at `i` (`{`), walked once for both its end and its largest id
 * (a second pass over Qwen3's 151k entries cost ~20 ms at start-up). `max` is undefined when a
 * value is anything but a plain integer; the end is then found as for any value.
 */
function vocabulary(b: Buffer, i: number): { end: number; max: number | undefined } {
  const start = i;
  let max = -1;
  i = skipWs(b, i + 1);
  if (b[i] === RBRACE) return { end: i + 1, max };
  for (;;) {
    if (b[i] !== QUOTE) break;
    i = skipWs(b, stringEnd(b, i));
    if (b[i] !== COLON) break;
    i = skipWs(b, i + 1);
    const neg = b[i] === 0x2d;
    if (neg) i++;
    let v = 0;
    const d0 = i;
    for (let c = b[i]!; c >= 0x30 && c <= 0x39; c = b[++i]!) v = v * 10 + (c - 0x30);
    if (i === d0 || i - d0 > 15 || (b[d0] === 0x30 && i - d0 > 1)) break;
    if (neg) v = -v;
    if (v > max) max = v;
    i = skipWs(b, i);
    if (b[i] === COMMA) i = skipWs(b, i + 1);
    else if (b[i] === RBRACE) return { end: i + 1, max };
    else break;
  }
  return { end: valueEnd(b, start), max: undefined };
}

/** The members of the object at `i` (`{`), and the index after it. */
function members(b: Buffer, i: number, nested?: string, inModel = false): { list: Member[]; end: number } {
  const list: Member[] = [];
  i = skipWs(b, i + 1);
  if (b[i] === RBRACE) return { list, end: i + 1 };
  for (;;) {
    if (b[i] !== QUOTE) throw NOT_SCANNED;
    const ke = stringEnd(b, i);
    const key = JSON.parse(b.toString('utf8', i, ke)) as string;
    i = skipWs(b, ke);
    if (b[i] !== COLON) throw NOT_SCANNED;
    const start = skipWs(b, i + 1);
    let m: Member;
    if (key === nested && b[start] === LBRACE) {
      const inner = members(b, start, undefined, true);
      m = { key, start, end: inner.end, members: inner.list };
    } else if (inModel && key === 'vocab' && b[start] === LBRACE) {
      const v = vocabulary(b, start);
      m = { key, start, end: v.end, maxId: v.max };
    } else m = { key, start, end: valueEnd(b, start) };
    list.push(m);
    i = skipWs(b, m.end);
    if (b[i] === COMMA) i = skipWs(b, i + 1);
    else if (b[i] === RBRACE) return { list, end: i + 1 };
    else throw NOT_SCANNED;
  }
}

/** defineProperty, not assignment: a `__proto__` key stays an own property, as JSON.parse keeps it. */
function put(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * tokenizer.json with `model.vocab` and `model.merges` parsed on first read; undefined when the
 * bytes are not an object with an object `model` the scan follows (the caller parses it all then).
 * Every other value is parsed here, so a syntax error there still surfaces at load; one in the
 * vocabulary or merges calls `invalid` when they are read (the caller reports it as for the file).
 */
export function scanTokenizerJson(bytes: Buffer, invalid: () => void): TokenizerJson | undefined {
  try {
    const start = skipWs(bytes, 0);
    if (bytes[start] !== LBRACE) return undefined;
    const top = members(bytes, start, 'model');
    if (skipWs(bytes, top.end) !== bytes.length) return undefined;
    const out: Record<string, unknown> = {};
    let found = false;
    for (const m of top.list) {
      if (!m.members) {
        put(out, m.key, JSON.parse(bytes.toString('utf8', m.start, m.end)));
        continue;
      }
      found = true;
      const model: Record<string, unknown> = {};
      const src: Source = { bytes, model: [m.start, m.end], touched: false };
      for (const f of m.members) {
        if (f.key !== 'vocab' && f.key !== 'merges') {
          put(model, f.key, JSON.parse(bytes.toString('utf8', f.start, f.end)));
          continue;
        }
        if (f.key === 'vocab') {
          src.vocab = [f.start, f.end];
          src.maxId = f.maxId;
        } else src.merges = [f.start, f.end];
        let value: unknown;
        let read = false;
        Object.defineProperty(model, f.key, {
          enumerable: true,
          configurable: true,
          get() {
            if (!read) {
              try {
                value = JSON.parse(bytes.toString('utf8', f.start, f.end));
              } catch (e) {
                invalid();
                throw e;
              }
              read = true;
            }
            return value;
          },
          set(v: unknown) {
            value = v;
            read = true;
            src.touched = true;
          },
        });
      }
      put(out, m.key, model);
      sources.set(model, src);
    }
    // A later non-object "model" would replace the scanned one (JSON.parse keeps the last value).
    return found && sources.has(out.model as object) ? (out as TokenizerJson) : undefined;
  } catch (e) {
    if (e === NOT_SCANNED || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * The largest id of a scanned object vocabulary, read from its bytes (values are plain integers
 * in every tokenizer.json); undefined when the model was not scanned, its vocabulary was replaced,
 * or a value is anything else (the caller then reads `model.vocab`).
 */
export function scannedMaxId(model: object): number | undefined {
  const src = sources.get(model);
  if (!src?.vocab || src.touched) return undefined;
  return src.maxId;
}

/**
 * JSON text of `j`, whose model was scanned and whose vocabulary and merges are unchanged: its
 * small sections serialized, the vocabulary and merges copied from the file's bytes (no
 * JSON.stringify of them, ~0.4 s on Qwen3). `modelPatch` replaces small fields of the model (the
 * model is then re-serialized around the copied vocabulary and merges). Undefined otherwise (the
 * caller stringifies `j`).
 */
export function tokenizerText(j: TokenizerJson, modelPatch: Record<string, unknown> = {}): string | undefined {
  const src = sources.get(j.model);
  if (!src || src.touched) return undefined;
  const bytes = (at: [number, number]) => src.bytes.subarray(at[0], at[1]);
  const modelValue = (): Part[] => {
    if (Object.keys(modelPatch).length === 0) return [bytes(src.model)];
    const model = j.model as Record<string, unknown>;
    const keys = new Set([...Object.keys(model), ...Object.keys(modelPatch)]);
    return objectParts(
      [...keys].map((f) => {
        if (f in modelPatch) return [f, JSON.stringify(modelPatch[f])];
        const at = f === 'vocab' ? src.vocab : f === 'merges' ? src.merges : undefined;
        return [f, at ? bytes(at) : JSON.stringify(model[f])];
      }),
    );
  };
  const parts = objectParts(Object.keys(j).map((k) => [k, k === 'model' ? modelValue() : JSON.stringify(j[k])]));
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8');
}

type Part = string | Buffer;

/** `{"k":v,...}` as parts; an undefined value leaves its key out, as JSON.stringify does. */
function objectParts(entries: [string, Part | Part[] | undefined][]): Part[] {
  const out: Part[] = ['{'];
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    out.push(`${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:`, ...(Array.isArray(v) ? v : [v]));
  }
  out.push('}');
  return out;
}
