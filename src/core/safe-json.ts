/**
 * JSON for reject lines that cannot throw: a record too deep for JSON.stringify's recursion, or
 * too big to hold twice, is written as its text cut to a bounded size, with the byte range kept.
 */

/** Bytes of a record's text kept on one reject line (default 1 MiB). */
export const DEFAULT_KEEP_RECORD_BYTES = 1 << 20;

export interface CutText {
  /** The kept text: bytes [0, kept) of the record's JSON (or raw) text. */
  text: string;
  kept: number;
  /** The whole text's size in bytes, when known (a value serialised only up to the bound: unknown). */
  total: number | null;
}

/**
 * JSON text of `value` without recursion, stopping once `maxBytes` bytes are out (then `total`
 * is null). Follows JSON.stringify: undefined/functions dropped in objects and null in arrays,
 * non-finite numbers as null, toJSON ignored (records are plain JSON values).
 */
export function boundedStringify(value: unknown, maxBytes: number): CutText {
  const out: string[] = [];
  let bytes = 0;
  const emit = (s: string): boolean => {
    out.push(s);
    bytes += s.length; // JSON text out of JSON.stringify pieces: chars ≥ bytes/3; checked exactly below
    return bytes <= maxBytes;
  };
  // Explicit stack of work: a value to write, or a literal token to emit.
  type Work = { v: unknown; key?: string; comma: boolean } | string;
  const stack: Work[] = [{ v: value, comma: false }];
  let complete = true;
  while (stack.length) {
    const w = stack.pop()!;
    if (typeof w === 'string') {
      if (!emit(w)) {
        complete = false;
        break;
      }
      continue;
    }
    let s = w.comma ? ',' : '';
    if (w.key !== undefined) s += JSON.stringify(w.key) + ':';
    const v = w.v;
    if (Array.isArray(v)) {
      if (!emit(s + '[')) {
        complete = false;
        break;
      }
      stack.push(']');
      for (let i = v.length - 1; i >= 0; i--) {
        const x = v[i];
        stack.push({ v: x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : x, comma: i > 0 });
      }
    } else if (v !== null && typeof v === 'object') {
      if (!emit(s + '{')) {
        complete = false;
        break;
      }
      stack.push('}');
      const keys = Object.keys(v).filter((k) => {
        const x = (v as Record<string, unknown>)[k];
        return x !== undefined && typeof x !== 'function' && typeof x !== 'symbol';
      });
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ v: (v as Record<string, unknown>)[keys[i]!], key: keys[i]!, comma: i > 0 });
    } else {
      let lit: string;
      if (typeof v === 'string') lit = JSON.stringify(v.length > maxBytes ? v.slice(0, maxBytes) : v);
      else if (typeof v === 'number') lit = Number.isFinite(v) ? String(v) : 'null';
      else if (typeof v === 'boolean') lit = String(v);
      else if (typeof v === 'bigint') lit = JSON.stringify(String(v));
      else lit = 'null';
      if (typeof v === 'string' && v.length > maxBytes) complete = false;
      if (!emit(s + lit) || !complete) {
        complete = false;
        break;
      }
    }
  }
  const text = out.join('');
  if (complete && Buffer.byteLength(text) <= maxBytes) return { text, kept: Buffer.byteLength(text), total: Buffer.byteLength(text) };
  const cut = cutUtf8(text, maxBytes);
  return { text: cut.text, kept: cut.kept, total: null };
}

/** A string cut to at most `maxBytes` of UTF-8, at a character boundary. */
export function cutUtf8(s: string, maxBytes: number): { text: string; kept: number } {
  // Cheap exits first: a string of n UTF-16 units is at most 3n bytes.
  if (s.length * 3 <= maxBytes) return { text: s, kept: Buffer.byteLength(s) };
  const buf = Buffer.from(s.length > maxBytes ? s.slice(0, maxBytes) : s, 'utf8');
  if (buf.length <= maxBytes) return { text: buf.toString('utf8'), kept: buf.length };
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return { text: buf.subarray(0, end).toString('utf8'), kept: end };
}

/**
 * One reject line: `JSON.stringify(obj)` when it works and `obj.record` fits `maxRecordBytes`,
 * else the record as a cut text in `record` plus `record_cut: {kept_bytes, total_bytes}` (the
 * kept bytes are bytes [0, kept_bytes) of the record's JSON text, or of its raw text when it did
 * not parse). Never throws.
 */
export function rejectLine(obj: Record<string, unknown>, maxRecordBytes = DEFAULT_KEEP_RECORD_BYTES): string {
  const { record, ...rest } = obj;
  const small = typeof record !== 'string' || record.length * 3 <= maxRecordBytes;
  if (small) {
    try {
      const line = JSON.stringify(obj);
      // A long line is measured (cheaply, in UTF-16 units first) before it is accepted.
      if (line.length <= maxRecordBytes || Buffer.byteLength(line) <= maxRecordBytes + 64 * 1024) return line;
    } catch {
      // too deep for JSON.stringify: cut below
    }
  }
  try {
    const cut = typeof record === 'string' ? { ...cutUtf8(record, maxRecordBytes), total: Buffer.byteLength(record) } : boundedStringify(record, maxRecordBytes);
    const safe: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) safe[k] = smallField(v);
    return JSON.stringify({ ...safe, record: cut.text, record_cut: { kept_bytes: cut.kept, total_bytes: cut.total } });
  } catch (e) {
    return JSON.stringify({ reason: String(obj.reason ?? 'unknown'), detail: `the reject could not be written: ${String((e as Error)?.message ?? e).slice(0, 200)}` });
  }
}

/** A small field (source, id, detail) as is, or as bounded text when it is big or cannot be serialised. */
function smallField(v: unknown): unknown {
  if (typeof v === 'string') return cutUtf8(v, 64 * 1024).text;
  try {
    const t = JSON.stringify(v);
    if (t === undefined || t.length <= 64 * 1024) return v;
  } catch {
    // too deep: bounded text below
  }
  return boundedStringify(v, 64 * 1024).text;
}
