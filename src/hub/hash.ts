/**
 * File digests as the Hub knows them: an LFS file is named by the sha256 of its content (the
 * LFS oid), a regular file by its git blob sha1. Computing both in one streaming pass lets the
 * push compare a local file with the remote tree whichever way the Hub stored it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileDigest {
  size: number;
  /** Hex sha256 of the content: the LFS oid. */
  sha256: string;
  /** Hex sha1 of `blob <size>\0<content>`: the git blob oid of a regular file. */
  gitOid: string;
  /** Number of lines (a last line without a newline counts): JSONL row counts, free in this pass. */
  lines: number;
}

export async function digestFile(path: string): Promise<FileDigest> {
  const { size } = await stat(path);
  const sha = createHash('sha256');
  const git = createHash('sha1').update(`blob ${size}\0`);
  let newlines = 0;
  let seen = 0;
  let last = 10;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    sha.update(buf);
    git.update(buf);
    seen += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
    if (buf.length > 0) last = buf[buf.length - 1]!;
  }
  // A file that changed while we read it would give digests of neither version.
  if (seen !== size) throw new Error(`${path} changed size while it was being read (${size} then ${seen} bytes)`);
  return { size, sha256: sha.digest('hex'), gitOid: git.digest('hex'), lines: newlines + (last === 10 ? 0 : 1) };
}

export function digestBytes(data: Uint8Array): FileDigest {
  const sha = createHash('sha256').update(data).digest('hex');
  const gitOid = createHash('sha1').update(`blob ${data.byteLength}\0`).update(data).digest('hex');
  let newlines = 0;
  for (const b of data) if (b === 10) newlines++;
  const last = data.byteLength > 0 ? data[data.byteLength - 1] : 10;
  return { size: data.byteLength, sha256: sha, gitOid, lines: newlines + (last === 10 ? 0 : 1) };
}
