/**
 * Byte streams from files, gunzipped when the file is gzip (by its magic bytes, not its name),
 * with the decompression limits checked as bytes inflate, and UTF-16 input transcoded to UTF-8
 * so every parser downstream sees UTF-8.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './limits.js';

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

export interface ReadBytesOptions {
  limits?: Pick<ReadLimits, 'maxDecompressedBytes' | 'maxCompressionRatio' | 'ratioFloorBytes'>;
  /** Told once per file when its text is not UTF-8 (UTF-16 transcoded). */
  onEncoding?: (encoding: 'utf-16le' | 'utf-16be') => void;
}

/**
 * The file's bytes, chunk by chunk. `onRawBytes` sees the bytes read from disk (compressed
 * size for .gz) so progress and MB/s are measured on what was read.
 */
export async function* readBytes(file: string, onRawBytes?: (n: number) => void, o: ReadBytesOptions = {}): AsyncGenerator<Buffer> {
  yield* transcodeUtf16(inflated(file, onRawBytes, o), o.onEncoding);
}

async function* inflated(file: string, onRawBytes: ((n: number) => void) | undefined, o: ReadBytesOptions): AsyncGenerator<Buffer> {
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: CHUNK });
  if (!gzip) {
    for await (const chunk of raw) {
      onRawBytes?.((chunk as Buffer).length);
      yield chunk as Buffer;
    }
    return;
  }
  const maxOut = o.limits?.maxDecompressedBytes ?? DEFAULT_READ_LIMITS.maxDecompressedBytes;
  const maxRatio = o.limits?.maxCompressionRatio ?? DEFAULT_READ_LIMITS.maxCompressionRatio;
  const floor = o.limits?.ratioFloorBytes ?? DEFAULT_READ_LIMITS.ratioFloorBytes;
  const gz = createGunzip({ chunkSize: CHUNK });
  let packed = 0;
  let unpacked = 0;
  // Count compressed bytes as they are read, without putting the file stream in flowing mode
  // by a 'data' listener (that would race the pipe).
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      packed += chunk.length;
      onRawBytes?.(chunk.length);
      cb(null, chunk);
    },
  });
  raw.pipe(counter).pipe(gz);
  raw.on('error', (e) => gz.destroy(e));
  counter.on('error', (e) => gz.destroy(e));
  try {
    for await (const chunk of gz) {
      unpacked += (chunk as Buffer).length;
      if (unpacked > maxOut) throw new DecompressionLimit(`it inflates past ${fmtBytes(maxOut)} (the decompressed-size limit)`);
      if (unpacked > floor && unpacked / Math.max(1, packed) > maxRatio) {
        throw new DecompressionLimit(`it inflates more than ${maxRatio}× (${fmtBytes(unpacked)} from ${fmtBytes(packed)} read), the compression-ratio limit`);
      }
      yield chunk as Buffer;
    }
  } catch (e) {
    if (e instanceof DecompressionLimit) throw e;
    // A truncated .gz ends the stream with an error; the reader reports what it got so far.
    throw new TruncatedInput(String((e as Error).message));
  } finally {
    raw.destroy();
    gz.destroy();
  }
}

/**
 * UTF-16 by its BOM, or without one by the NUL bytes of ASCII text (`[\0` / `\0[`) at the start;
 * transcoded chunk by chunk (TextDecoder keeps a pair split across chunks). Anything else passes as is.
 */
async function* transcodeUtf16(chunks: AsyncIterable<Buffer>, onEncoding?: (e: 'utf-16le' | 'utf-16be') => void): AsyncGenerator<Buffer> {
  let decoder: TextDecoder | undefined;
  let first = true;
  let head: Buffer | undefined;
  for await (let buf of chunks) {
    if (first) {
      // Decide on at least 4 bytes (a chunk may be shorter in tests and pipes).
      head = head ? Buffer.concat([head, buf]) : buf;
      if (head.length < 4) continue;
      buf = head;
      head = undefined;
      first = false;
      const enc = utf16Of(buf);
      if (enc) {
        decoder = new TextDecoder(enc);
        onEncoding?.(enc);
      }
    }
    if (!decoder) yield buf;
    else {
      const s = decoder.decode(buf, { stream: true });
      if (s) yield Buffer.from(s, 'utf8');
    }
  }
  if (head) {
    const enc = utf16Of(head);
    if (enc) onEncoding?.(enc);
    yield enc ? Buffer.from(new TextDecoder(enc).decode(head), 'utf8') : head;
  }
  if (decoder) {
    const tail = decoder.decode();
    if (tail) yield Buffer.from(tail, 'utf8');
  }
}

function utf16Of(b: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 4 && b[0]! > 0 && b[0]! < 0x80 && b[1] === 0 && b[2]! > 0 && b[2]! < 0x80 && b[3] === 0) return 'utf-16le';
  if (b.length >= 4 && b[0] === 0 && b[1]! > 0 && b[1]! < 0x80 && b[2] === 0 && b[3]! > 0 && b[3]! < 0x80) return 'utf-16be';
  return undefined;
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${+(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${+(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${+(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The byte stream ended early (a cut .gz). The parsers turn this into a `malformed` reject. */
export class TruncatedInput extends Error {}

/** A compressed input inflates past a limit: the reader rejects the file (`decompression_limit`). */
export class DecompressionLimit extends Error {}
