/**
 * Code points ↔ UTF-16. The Rust binding reports offsets in code points (Unicode scalar values),
 * JS strings index UTF-16 code units: an emoji is one code point and two code units.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** Map from code-point index to UTF-16 index (length = code points + 1), or null when identical. */
export function codePointToUtf16(text: string): Uint32Array | null {
  if (!SURROGATE.test(text)) return null;
  // Straight into a typed array (sized for the worst case, trimmed by subarray): no number[] per text.
  const map = new Uint32Array(text.length + 1);
  let n = 0;
  let i = 0;
  while (i < text.length) {
    map[n++] = i;
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  map[n++] = text.length;
  return map.subarray(0, n);
}

/** UTF-8 length of one code point. */
export function utf8Len(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}
