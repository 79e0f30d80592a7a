/** Byte streams from files, gunzipped when the file is gzip (by its magic bytes, not its name). */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

const CHUNK = 1 << 20;

export async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The file's bytes, chunk by chunk. `onRawBytes` sees the bytes read from disk (compressed
 * size for .gz) so progress and MB/s are measured on what was read.
 */
export async function* readBytes(file: string, onRawBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const raw = createReadStream(file, { highWaterMark: CHUNK });
  if (await isGzip(file)) {
    const gz = createGunzip({ chunkSize: CHUNK });
    // Count compressed bytes as they are read, without putting the file stream in flowing mode
    // by a 'data' listener (that would race the pipe).
    const { Transform } = await import('node:stream');
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        onRawBytes?.(chunk.length);
        cb(null, chunk);
      },
    });
    raw.pipe(counter).pipe(gz);
    raw.on('error', (e) => gz.destroy(e));
    counter.on('error', (e) => gz.destroy(e));
    try {
      for await (const chunk of gz) yield chunk as Buffer;
    } catch (e) {
      // A truncated .gz ends the stream with an error; the reader reports what it got so far.
      throw new TruncatedInput(String((e as Error).message));
    }
  } else {
    for await (const chunk of raw) {
      onRawBytes?.((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  }
}

/** The byte stream ended early (a cut .gz). The parsers turn this into a `malformed` reject. */
export class TruncatedInput extends Error {}
