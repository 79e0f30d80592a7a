/**
 * Splits a top-level JSON array into its elements' texts without holding the file: real ShareGPT
 * dumps are 0.6–1.3 GB, more than V8 allows in one string. The scanner only tracks strings and
 * nesting; each element is then parsed on its own, so one bad element costs one record. Inside
 * strings it jumps with Buffer.indexOf (native), which keeps the scan far faster than parsing.
 */
import { isUtf8 } from 'node:buffer';
import { TruncatedInput } from './bytes.js';
import { headText } from './jsonl.js';
import { BACKSLASH, COMMA, DEFAULT_READ_LIMITS, isJsonSpace, LBRACE, LBRACK, QUOTE, RBRACE, RBRACK } from './limits.js';

export type ArrayEvent =
  | { kind: 'element'; index: number; text: string /** Byte offset in the (decompressed) stream. */; offset: number; invalidUtf8?: true }
  /** An element over maxElementBytes or nested deeper than maxDepth: only its head was held. */
  | { kind: 'too_large'; index: number; offset: number; bytes: number; depth: number; head: string }
  | { kind: 'too_deep'; index: number; offset: number; bytes: number; depth: number; head: string }
  /** The input ended inside an element (a cut file): its partial text. */
  | { kind: 'truncated'; index: number; text: string; detail: string }
  /** Not an array at all, or bytes after the closing bracket. */
  | { kind: 'error'; index: number; detail: string; text?: string };

export interface SplitArrayOptions {
  maxElementBytes?: number;
  maxDepth?: number;
  keepBytes?: number;
}

export async function* splitJsonArray(chunks: AsyncIterable<Buffer>, o: SplitArrayOptions = {}): AsyncGenerator<ArrayEvent> {
  const maxBytes = o.maxElementBytes ?? DEFAULT_READ_LIMITS.maxRecordBytes;
  const maxDepth = o.maxDepth ?? DEFAULT_READ_LIMITS.maxDepth;
  const keep = Math.min(o.keepBytes ?? DEFAULT_READ_LIMITS.keepBytes, maxBytes);
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
  let pos = 0; // stream offset of the current chunk
  let elemStart = 0; // stream offset of the current element
  let held = 0; // bytes of the current element so far (held or not)
  let over = false; // past maxBytes: pieces hold only the head
  let maxSeen = 0; // deepest nesting in the current element
  let tooDeep = false;

  const hold = (b: Buffer) => {
    held += b.length;
    if (over) return;
    if (held > maxBytes || tooDeep) {
      over = true;
      // Only the head is copied (concat stops at its length): the rest is let go as it streams by.
      pieces = [Buffer.concat([...pieces, b], Math.min(keep, held))];
    } else pieces.push(b);
  };
  const finish = (buf: Buffer, start: number, end: number): ArrayEvent => {
    hold(buf.subarray(start, end));
    const b = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    const ev: ArrayEvent =
      over || tooDeep
        ? { kind: tooDeep ? ('too_deep' as const) : ('too_large' as const), index: index++, offset: elemStart, bytes: held, depth: maxSeen, head: headText(b) }
        : isUtf8(b)
          ? { kind: 'element', index: index++, text: b.toString('utf8'), offset: elemStart }
          : { kind: 'element', index: index++, text: b.toString('utf8'), offset: elemStart, invalidUtf8: true };
    pieces = [];
    held = 0;
    over = false;
    maxSeen = 0;
    tooDeep = false;
    return ev;
  };
  const begin = (i: number, d: number) => {
    elemStart = pos + i;
    maxSeen = d;
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
      // The next quote and backslash at or after some earlier position (-1: none in this chunk).
      // Still valid while not behind i: without them, every escape rescanned to the next quote,
      // quadratic in the escapes between two quotes (HTML answers are full of `\n` and `\"`).
      let q = -2;
      let b = -2;
      while (i < n) {
        if (phase === 2) {
          if (inString) {
            if (escape) {
              escape = false;
              i++;
              continue;
            }
            if (q !== -1 && q < i) q = buf.indexOf(QUOTE, i);
            if (b !== -1 && b < i) b = buf.indexOf(BACKSLASH, i);
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
              yield finish(buf, start, i);
              phase = singleObject ? 3 : 1;
            }
            continue;
          }
          const c = buf[i]!;
          if (scalar) {
            if (c === COMMA || c === RBRACK || isJsonSpace(c)) {
              yield finish(buf, start, i);
              scalar = false;
              phase = 1;
              continue; // re-read the delimiter in phase 1
            }
            i++;
            continue;
          }
          if (c === QUOTE) inString = true;
          else if (c === LBRACE || c === LBRACK) {
            depth++;
            if (depth > maxSeen) maxSeen = depth;
            // Keep counting (the scan has no stack) but stop holding: the element becomes a reject.
            if (depth > maxDepth) tooDeep = true;
          } else if (c === RBRACE || c === RBRACK) {
            depth--;
            if (depth === 0) {
              i++;
              yield finish(buf, start, i);
              phase = singleObject ? 3 : 1;
              continue;
            }
          }
          i++;
          continue;
        }
        const c = buf[i]!;
        if (isJsonSpace(c)) {
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
            begin(i, 1);
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
          begin(i, 0);
          if (c === QUOTE) {
            inString = true;
          } else if (c === LBRACE || c === LBRACK) {
            depth = 1;
            maxSeen = 1;
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
      if (phase === 2) hold(start >= 0 ? buf.subarray(start) : buf);
      pos += buf.length;
    }
  } catch (e) {
    if (!(e instanceof TruncatedInput)) throw e;
    yield* endEvents(`the compressed stream is cut (${e.message})`);
    return;
  }
  yield* endEvents('the file ends');

  function* endEvents(why: string): Generator<ArrayEvent> {
    if (phase === 2) {
      if (scalar && !over) {
        yield finish(Buffer.alloc(0), 0, 0);
        yield { kind: 'truncated', index, text: '', detail: `${why} before the closing ']'` };
        return;
      }
      const text = headText(Buffer.concat(pieces));
      const cut = over ? `; the element is ${held} bytes, its first ${text.length} characters kept in the quarantine` : ` (${text.length} characters kept in the quarantine)`;
      yield { kind: 'truncated', index, text, detail: `${why} inside element ${index}${cut}` };
    } else if (phase === 1) {
      yield { kind: 'truncated', index, text: '', detail: `${why} before the closing ']' (after ${index} complete elements)` };
    } else if (phase === 0) {
      yield { kind: 'error', index: 0, detail: 'the file is empty' };
    }
  }
}
