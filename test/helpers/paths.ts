/** Paths shared by the tests: the repo root and ../shared beside it (present in CI too). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = resolve(ROOT, '..', 'shared');
export const sharedData = (...p: string[]) => join(SHARED, 'data', ...p);
export const sharedVectors = (...p: string[]) => join(SHARED, 'vectors', ...p);
export const tempDir = (prefix = 'sftforge-') => mkdtempSync(join(tmpdir(), prefix));

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
