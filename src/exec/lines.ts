/**
 * Line-level file access for merging parts: a reader that yields the lines of a JSONL file as
 * they are (merge copies most of them untouched, so they are never parsed), and a buffered
 * atomic writer of lines.
 */
import { createReadStream } from 'node:fs';

/** Lines of a UTF-8 file without their '\n' (a final empty line is not yielded). */
export async function* readLines(path: string): AsyncGenerator<string> {
  let rest = '';
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<string>) {
    let text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      yield text.slice(start, nl);
      start = nl + 1;
    }
    rest = text.slice(start);
    text = '';
  }
  if (rest !== '') yield rest;
}

/** Pull-style access to a line stream (for k-way merges): `next()` or an error naming the file. */
export class LineSource {
  private readonly it: AsyncGenerator<string>;
  line = 0;
  constructor(readonly path: string) {
    this.it = readLines(path);
  }
  async next(): Promise<string | undefined> {
    const r = await this.it.next();
    if (r.done) return undefined;
    this.line++;
    return r.value;
  }
  async need(what: string): Promise<string> {
    const l = await this.next();
    if (l === undefined) throw new Error(`${this.path} ended after ${this.line} lines, but the index lists another ${what}: the rank's files do not match (rerun that rank)`);
    return l;
  }
  async close(): Promise<void> {
    await this.it.return(undefined);
  }
}

/** Lines written atomically, buffered (a line costs no syscall). */
export { LineWriter } from '../core/atomic.js';
