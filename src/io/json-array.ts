/**
 * Splits a top-level JSON array into its elements' texts without holding the file: real ShareGPT
 * dumps are 0.6–1.3 GB, more than V8 allows in one string. The scanner only tracks strings and
 * nesting; each element is then parsed on its own, so one bad element costs one record. Inside
 * strings it jumps with Buffer.indexOf (native), which keeps the scan far faster than parsing.
 */
import { TruncatedInput } from './bytes.js';

export type ArrayEvent =
  | { kind: 'element'; index: number; text: string }
  /** The input ended inside an element (a cut file): its partial text. */
  | { kind: 'truncated'; index: number; text: string; detail: string }
  /** Not an array at all, or bytes after the closing bracket. */
  | { kind: 'error'; index: number; detail: string; text?: string };

const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACK = 0x5b, RBRACK = 0x5d, COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export async function* splitJsonArray(chunks: AsyncIterable<Buffer>): AsyncGenerator<ArrayEvent> {
  // 0: before '[', 1: between elements, 2: inside an element, 3: after ']'
  let phase = 0;
  let depth = 0;
  let inString = false;
  let escape = false;
  let scalar = false; // element is a bare number/literal (not valid for us, but must be split)
  let index = 0;
  let pieces: Buffer[] = [];
  let singleObject = false; // the file is one object, not an array
  let trailing = false;
  let bom = true;

  const finish = (buf: Buffer, start: number, end: number): string => {
    pieces.push(buf.subarray(start, end));
    const text = pieces.length === 1 ? pieces[0]!.toString('utf8') : Buffer.concat(pieces).toString('utf8');
    pieces = [];
    return text;
  };

  try {
    for await (let buf of chunks) {
      if (bom) {
        bom = false;
        if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      let i = 0;
      let start = phase === 2 ? 0 : -1;
      const n = buf.length;
      while (i < n) {
        if (phase === 2) {
          if (inString) {
            if (escape) {
              escape = false;
              i++;
              continue;
            }
            const q = buf.indexOf(QUOTE, i);
            const b = buf.indexOf(BACKSLASH, i);
            if (b !== -1 && (q === -1 || b < q)) {
              i = b + 1;
              escape = true;
              continue;
            }
            if (q === -1) {
              i = n;
              break;
            }
            i = q + 1;
            inString = false;
            if (depth === 0) {
              // A bare string element ends here.
              yield { kind: 'element', index: index++, text: finish(buf, start, i) };
              phase = singleObject ? 3 : 1;
            }
            continue;
          }
          const c = buf[i]!;
          if (scalar) {
            if (c === COMMA || c === RBRACK || isSpace(c)) {
              yield { kind: 'element', index: index++, text: finish(buf, start, i) };
              scalar = false;
              phase = 1;
              continue; // re-read the delimiter in phase 1
            }
            i++;
            continue;
          }
          if (c === QUOTE) inString = true;
          else if (c === LBRACE || c === LBRACK) depth++;
          else if (c === RBRACE || c === RBRACK) {
            depth--;
            if (depth === 0) {
              i++;
              yield { kind: 'element', index: index++, text: finish(buf, start, i) };
              phase = singleObject ? 3 : 1;
              continue;
            }
          }
          i++;
          continue;
        }
        const c = buf[i]!;
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (phase === 0) {
          if (c === LBRACK) {
            phase = 1;
            i++;
          } else if (c === LBRACE) {
            // One object instead of an array: treat it as a single record.
            singleObject = true;
            phase = 2;
            start = i;
            depth = 1;
            i++;
          } else {
            yield { kind: 'error', index: 0, detail: `expected '[' at the start of a JSON array, found '${String.fromCharCode(c)}'` };
            return;
          }
          continue;
        }
        if (phase === 1) {
          if (c === COMMA) {
            i++;
            continue;
          }
          if (c === RBRACK) {
            phase = 3;
            i++;
            continue;
          }
          phase = 2;
          start = i;
          depth = 0;
          if (c === QUOTE) {
            inString = true;
          } else if (c === LBRACE || c === LBRACK) {
            depth = 1;
          } else {
            scalar = true;
          }
          i++;
          continue;
        }
        // phase 3: anything but whitespace after the end is damage worth reporting once.
        if (!trailing) {
          trailing = true;
          yield { kind: 'error', index, detail: `unexpected data after the end of the JSON ${singleObject ? 'object' : 'array'}` };
        }
        i = n;
      }
      if (phase === 2) pieces.push(start >= 0 ? buf.subarray(start) : buf);
    }
  } catch (e) {
    if (!(e instanceof TruncatedInput)) throw e;
    yield* endEvents(`the compressed stream is cut (${e.message})`);
    return;
  }
  yield* endEvents('the file ends');

  function* endEvents(why: string): Generator<ArrayEvent> {
    if (phase === 2) {
      if (scalar) {
        yield { kind: 'element', index: index++, text: Buffer.concat(pieces).toString('utf8') };
        yield { kind: 'truncated', index, text: '', detail: `${why} before the closing ']'` };
        return;
      }
      const text = Buffer.concat(pieces).toString('utf8');
      yield { kind: 'truncated', index, text, detail: `${why} inside element ${index} (${text.length} characters kept in the quarantine)` };
    } else if (phase === 1) {
      yield { kind: 'truncated', index, text: '', detail: `${why} before the closing ']' (after ${index} complete elements)` };
    } else if (phase === 0) {
      yield { kind: 'error', index: 0, detail: 'the file is empty' };
    }
  }
}
