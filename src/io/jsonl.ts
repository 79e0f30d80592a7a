/**
 * JSON Lines, line by line with 1-based line numbers; a last line without newline still counts.
 * A line over `maxLineBytes` is never held whole: its first `keepBytes` are kept for the reject
 * and the rest is skipped as it streams by. A UTF-8 BOM is removed from every line (files
 * concatenated with `cat` carry one per part); invalid UTF-8 is decoded to U+FFFD and flagged.
 */
import { isUtf8 } from 'node:buffer';
import { TruncatedInput } from './bytes.js';
import { DEFAULT_READ_LIMITS } from './limits.js';
import { cutUtf8 } from './safe-json.js';

export type LineEvent =
  | { kind: 'line'; line: number; text: string /** Byte offset of the line in the (decompressed) stream. */; offset: number; invalidUtf8?: true }
  | { kind: 'too_large'; line: number; offset: number; bytes: number; head: string }
  | { kind: 'truncated'; line: number; detail: string };

export interface SplitLinesOptions {
  maxLineBytes?: number;
  keepBytes?: number;
}

export async function* splitLines(chunks: AsyncIterable<Buffer>, o: SplitLinesOptions = {}): AsyncGenerator<LineEvent> {
  const maxBytes = o.maxLineBytes ?? DEFAULT_READ_LIMITS.maxRecordBytes;
  const keep = Math.min(o.keepBytes ?? DEFAULT_READ_LIMITS.keepBytes, maxBytes);
  let pieces: Buffer[] = [];
  let size = 0; // bytes of the current line so far (all of them, held or not)
  let over = false; // the current line passed maxBytes: pieces hold only its head
  let line = 0;
  let offset = 0; // stream offset of the current line's first byte
  let pos = 0; // stream offset of the current chunk
  const add = (b: Buffer) => {
    size += b.length;
    if (!over && size > maxBytes) {
      over = true;
      // Only the head is copied (concat stops at its length): the rest is let go as it streams by.
      pieces = [Buffer.concat([...pieces, b], Math.min(keep, size))];
    } else if (!over) pieces.push(b);
  };
  const end = (): LineEvent | undefined => {
    line++;
    const b = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    const ev = over ? ({ kind: 'too_large', line, offset, bytes: size, head: headText(b) } as const) : lineEvent(line, offset, b);
    pieces = [];
    over = false;
    size = 0;
    return ev;
  };
  try {
    for await (const buf of chunks) {
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl === -1) break;
        add(buf.subarray(start, nl));
        const ev = end();
        offset = pos + nl + 1;
        if (ev) yield ev;
        start = nl + 1;
      }
      if (start < buf.length) add(buf.subarray(start));
      pos += buf.length;
    }
  } catch (e) {
    if (!(e instanceof TruncatedInput)) throw e;
    yield { kind: 'truncated', line: line + 1, detail: `the compressed stream is cut (${e.message})` };
  }
  if (size > 0) {
    const ev = end();
    if (ev) yield ev;
  }
}

function lineEvent(line: number, offset: number, b: Buffer): LineEvent | undefined {
  let bom = 0;
  while (b.length >= bom + 3 && b[bom] === 0xef && b[bom + 1] === 0xbb && b[bom + 2] === 0xbf) bom += 3;
  if (bom) b = b.subarray(bom);
  const text = b.toString('utf8');
  if (text.trim() === '') return undefined;
  return isUtf8(b) ? { kind: 'line', line, text, offset } : { kind: 'line', line, text, offset, invalidUtf8: true };
}

/** The kept head of a record as text, without a partial character at the cut. */
export function headText(b: Buffer): string {
  let end = b.length;
  // Step back over a cut multi-byte sequence (continuation bytes 10xxxxxx and their lead byte).
  let k = end - 1;
  while (k >= 0 && end - k <= 4 && (b[k]! & 0xc0) === 0x80) k--;
  if (k >= 0 && b[k]! >= 0xc0) {
    const need = b[k]! >= 0xf0 ? 4 : b[k]! >= 0xe0 ? 3 : 2;
    if (end - k < need) end = k;
  }
  // Invalid bytes decode to U+FFFD (3 bytes each): cut again so the text stays within the head's size.
  return cutUtf8(b.subarray(0, end).toString('utf8'), b.length).text;
}
