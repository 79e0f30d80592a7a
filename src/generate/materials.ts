/**
 * Documents for the "Assistance on Existing Materials" sector (--materials): a JSONL file with a
 * `text` field per line (as in C4), or a folder of .txt/.md files (sorted by path, one document
 * each). Streamed, never loaded whole. Lines that cannot be used are counted, not dropped silently.
 * Also: the entity list for --entities (one entity per line; blank lines and # comments skipped).
 */
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError } from '../core/errors.js';
import type { Report } from '../core/report.js';

export interface Material {
  /** Ordinal in the input (line order, or sorted file order): the stable key of its requests. */
  index: number;
  text: string;
  source: { file: string; line?: number };
}

/** Cuts at the last whitespace before `max` characters (a document is context, not a target). */
export function clip(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const ws = cut.search(/\s\S*$/);
  return (ws > max * 0.8 ? cut.slice(0, ws) : cut).trim();
}

export async function* readMaterials(path: string, maxChars: number, report: Report): AsyncGenerator<Material> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new InputError(path, `cannot read the materials: ${(e as Error).message}`, 'pass --materials with a JSONL file ({"text": ...} per line) or a folder of .txt files');
  }
  if (st.isDirectory()) {
    const files = (await listTextFiles(path)).sort();
    for (let i = 0; i < files.length; i++) {
      const text = clip(await readFile(files[i]!, 'utf8'), maxChars);
      if (text === '') {
        report.count('material_no_text');
        continue;
      }
      yield { index: i, text, source: { file: relative(path, files[i]!) } };
    }
    return;
  }
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of rl) {
    line++;
    if (raw.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      report.count('material_malformed');
      continue;
    }
    const text = (v as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || text.trim() === '') {
      report.count('material_no_text');
      continue;
    }
    yield { index: line - 1, text: clip(text, maxChars), source: { file: path, line } };
  }
}

async function listTextFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listTextFiles(p)));
    else if (/\.(txt|md|text)$/i.test(e.name)) out.push(p);
  }
  return out;
}

export async function readEntities(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read the entity list: ${(e as Error).message}`, 'pass --entities with a text file, one entity per line');
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
