/**
 * Limits the readers check before the expensive step (buffering, JSON.parse, inflating), so one
 * hostile record costs one reject line and never the run. Every limit has a reason code:
 * `too_deep`, `too_large`, `decompression_limit`.
 */

export interface ReadLimits {
  /** Deepest nesting of arrays and objects in one record (default 512; real records nest < 10). */
  maxDepth?: number;
  /** Largest record in bytes: one JSONL line, JSON array element or page (default 16 MiB). */
  maxRecordBytes?: number;
  /** Largest decompressed size of one .gz input (default 256 GiB). */
  maxDecompressedBytes?: number;
  /** Largest decompressed/compressed ratio of one .gz input (default 100; text rarely passes 20)... */
  maxCompressionRatio?: number;
  /** ...checked once this many bytes are inflated, so small highly repetitive files pass (default 32 MiB). */
  ratioFloorBytes?: number;
  /** Bytes of an oversized or too-deep record kept for its reject line (default 64 KiB). */
  keepBytes?: number;
}

export const DEFAULT_READ_LIMITS: Readonly<Required<ReadLimits>> = Object.freeze({
  maxDepth: 512,
  maxRecordBytes: 16 << 20,
  maxDecompressedBytes: 256 * 2 ** 30,
  maxCompressionRatio: 100,
  ratioFloorBytes: 32 << 20,
  keepBytes: 64 << 10,
});

export function resolveLimits(l: ReadLimits | undefined): Required<ReadLimits> {
  const out = { ...DEFAULT_READ_LIMITS };
  for (const [k, v] of Object.entries(l ?? {}) as [keyof ReadLimits, number | undefined][]) {
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0)) throw new RangeError(`read limit ${k} must be a positive number, got ${v}`);
    out[k] = v;
  }
  return out;
}

export interface JsonShape {
  /** Deepest nesting seen, capped at limit + 1 (the scan stops there). */
  depth: number;
  tooDeep: boolean;
  /** The top-level `id` as the normalizer reads it (string, or number as String(n)); the last one wins, as in JSON.parse. */
  id?: string;
}

/** JSON's structural characters, as bytes and char codes alike (the JSON array splitter uses them too). */
export const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
  LBRACK = 0x5b,
  RBRACK = 0x5d,
  COMMA = 0x2c,
  COLON = 0x3a;

/** JSON's insignificant whitespace (space, LF, CR, tab), as a byte or char code. */
export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * One pass over a record's JSON text, without recursion and without parsing it: its nesting
 * depth and its top-level id. Invalid JSON is not detected here (JSON.parse does that later);
 * the scan only has to be right for valid JSON and bounded for anything.
 */
export function inspectJson(text: string, maxDepth: number): JsonShape {
  let depth = 0;
  let max = 0;
  let topObject = false;
  let expectKey = false;
  let keyIsId = false;
  let idNext = false;
  let id: string | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i + 1);
      if (depth === 1 && topObject) {
        if (expectKey) {
          keyIsId = (end - i === 3 && text.charCodeAt(i + 1) === 0x69 && text.charCodeAt(i + 2) === 0x64) || (end - i < 16 && escapedId(text.slice(i, end + 1)));
          expectKey = false;
        } else if (idNext) {
          id = parseIdString(text.slice(i, end + 1));
          idNext = false;
        }
      }
      i = end;
      continue;
    }
    if (c === LBRACE || c === LBRACK) {
      if (depth === 0 && i === firstNonSpace(text)) topObject = c === LBRACE;
      depth++;
      if (depth > max) max = depth;
      if (depth > maxDepth) return { depth: max, tooDeep: true };
      if (depth === 1) expectKey = topObject;
      else if (depth === 2 && idNext) {
        id = undefined; // an object or array id: the normalizer falls back to the position
        idNext = false;
      }
      continue;
    }
    if (c === RBRACE || c === RBRACK) {
      depth--;
      continue;
    }
    if (depth !== 1 || !topObject) continue;
    if (c === COMMA) {
      expectKey = true;
      idNext = false;
    } else if (c === COLON) {
      idNext = keyIsId;
      keyIsId = false;
    } else if (idNext && c > 0x20) {
      // A bare value: number, true, false, null.
      let j = i;
      while (j < n && !isDelim(text.charCodeAt(j))) j++;
      id = parseIdNumber(text.slice(i, j));
      idNext = false;
      i = j - 1;
    }
  }
  return { depth: max, tooDeep: false, ...(id !== undefined && { id }) };
}

/** Index of the closing quote of a string whose content starts at `from` (or the text's end). */
function stringEnd(text: string, from: number): number {
  for (let j = from; ; ) {
    const q = text.indexOf('"', j);
    if (q === -1) return text.length;
    let k = q - 1;
    while (k >= from && text.charCodeAt(k) === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q;
    j = q + 1;
  }
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
  return i;
}

function isDelim(c: number): boolean {
  return c === COMMA || c === RBRACE || c === RBRACK || c <= 0x20;
}

/** A key spelled with escapes (`"\u0069d"`) that JSON.parse reads as `id`. */
function escapedId(lit: string): boolean {
  if (!lit.includes('\\')) return false;
  try {
    return JSON.parse(lit) === 'id';
  } catch {
    return false;
  }
}

function parseIdString(lit: string): string | undefined {
  try {
    const s = JSON.parse(lit) as string;
    return s === '' ? undefined : s;
  } catch {
    return undefined;
  }
}

function parseIdNumber(lit: string): string | undefined {
  try {
    const v = JSON.parse(lit) as unknown;
    return typeof v === 'number' ? String(v) : undefined;
  } catch {
    return undefined;
  }
}
