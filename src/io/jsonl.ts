/** JSON Lines, line by line with 1-based line numbers; a last line without newline still counts. */
import { TruncatedInput } from './bytes.js';

export type LineEvent = { kind: 'line'; line: number; text: string } | { kind: 'truncated'; line: number; detail: string };

export async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<LineEvent> {
  let pieces: Buffer[] = [];
  let line = 0;
  try {
    for await (const buf of chunks) {
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl === -1) break;
        pieces.push(buf.subarray(start, nl));
        line++;
        const b = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
        pieces = [];
        const text = b.toString('utf8');
        if (text.trim() !== '') yield { kind: 'line', line, text };
        start = nl + 1;
      }
      if (start < buf.length) pieces.push(buf.subarray(start));
    }
  } catch (e) {
    if (!(e instanceof TruncatedInput)) throw e;
    yield { kind: 'truncated', line: line + 1, detail: `the compressed stream is cut (${e.message})` };
  }
  if (pieces.length) {
    line++;
    const text = Buffer.concat(pieces).toString('utf8');
    if (text.trim() !== '') yield { kind: 'line', line, text };
  }
}
