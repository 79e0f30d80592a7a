/**
 * Python `str.strip/lstrip/rstrip` semantics. Chat templates are written for Python: `strip()`
 * removes Python whitespace (which differs from JS `trim()`: Python strips U+001C..U+001F and U+0085,
 * JS strips U+FEFF), and `strip(chars)` removes only the given characters.
 */

/** Code points for which Python's `str.isspace()` is true. */
const PY_WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000,
]);

export function isPyWhitespace(cp: number): boolean {
  return PY_WHITESPACE.has(cp);
}

/** `chars` undefined/null = Python whitespace; else the set of code points of `chars`. */
function charTest(chars: string | null | undefined): (cp: number) => boolean {
  if (chars === undefined || chars === null) return isPyWhitespace;
  const set = new Set<number>();
  for (const ch of chars) set.add(ch.codePointAt(0)!);
  return (cp) => set.has(cp);
}

function leftIndex(s: string, test: (cp: number) => boolean): number {
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    if (!test(cp)) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

function rightIndex(s: string, test: (cp: number) => boolean, floor: number): number {
  let j = s.length;
  while (j > floor) {
    // Step back over a whole surrogate pair when there is one.
    const low = s.charCodeAt(j - 1);
    const pair = j - 2 >= floor && low >= 0xdc00 && low <= 0xdfff && s.charCodeAt(j - 2) >= 0xd800 && s.charCodeAt(j - 2) <= 0xdbff;
    const start = pair ? j - 2 : j - 1;
    if (!test(s.codePointAt(start)!)) break;
    j = start;
  }
  return j;
}

export function pyLStrip(s: string, chars?: string | null): string {
  return s.slice(leftIndex(s, charTest(chars)));
}

export function pyRStrip(s: string, chars?: string | null): string {
  return s.slice(0, rightIndex(s, charTest(chars), 0));
}

export function pyStrip(s: string, chars?: string | null): string {
  const test = charTest(chars);
  const i = leftIndex(s, test);
  return s.slice(i, rightIndex(s, test, i));
}
