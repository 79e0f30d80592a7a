/** Sequential reads of fixed-size binary records (MinHash signatures) from a file, buffered. */
import { open, type FileHandle } from 'node:fs/promises';

export class BinSource {
  private fh: FileHandle | undefined;
  private buf = Buffer.alloc(0);
  private at = 0;
  private fileAt = 0;
  private eof = false;

  constructor(
    readonly path: string,
    private readonly recordBytes: number,
  ) {}

  async open(): Promise<this> {
    this.fh = await open(this.path, 'r');
    return this;
  }

  /** The next record (a copy), or an error when the file has no more. */
  async next(): Promise<Uint8Array> {
    if (this.buf.length - this.at < this.recordBytes) await this.fill();
    if (this.buf.length - this.at < this.recordBytes)
      throw new Error(`${this.path}: ended early (record of ${this.recordBytes} bytes expected at byte ${this.fileAt - (this.buf.length - this.at)}): rerun that rank`);
    const out = new Uint8Array(this.buf.subarray(this.at, this.at + this.recordBytes));
    this.at += this.recordBytes;
    return out;
  }

  private async fill(): Promise<void> {
    if (this.eof) return;
    const left = this.buf.subarray(this.at);
    const chunk = Buffer.alloc(Math.max(1 << 20, this.recordBytes));
    const { bytesRead } = await this.fh!.read(chunk, 0, chunk.length, this.fileAt);
    this.fileAt += bytesRead;
    if (bytesRead === 0) this.eof = true;
    this.buf = Buffer.concat([left, chunk.subarray(0, bytesRead)]);
    this.at = 0;
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}
