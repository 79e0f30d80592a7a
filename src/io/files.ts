/** Expanding the inputs a user names: files as given, folders sorted and recursive. */
import { lstat, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';

const DATA_FILE = /\.(jsonl?|ndjson|html?)(\.gz)?$/i;

/** An input that is not read: a FIFO, socket or device (would block or never end), or a link that leads nowhere. */
export interface SkippedInput {
  file: string;
  reason: 'not_a_file' | 'unreadable';
  detail: string;
}

/** Files under the inputs, in a stable order (folders: recursive, sorted by name, byte order). */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  return (await expandInputsDetailed(inputs)).files;
}

/** The same, with what was skipped and why, in input order (the reader turns each into a file-level reject line). */
export async function expandInputsDetailed(inputs: readonly string[]): Promise<{ files: string[]; skipped: SkippedInput[] }> {
  const files: string[] = [];
  const skipped: SkippedInput[] = [];
  for (const input of inputs) {
    let st: Stats;
    try {
      st = await stat(input);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A named link to nowhere is the user's mistake to hear about, like a missing path.
      throw new InputError(input, code === 'ENOENT' ? 'no such file or folder' : `cannot be read (${code})`, 'check the path; inputs are files or folders of .json/.jsonl/.html (optionally .gz)');
    }
    if (st.isDirectory()) await walk(input, files, skipped);
    else if (st.isFile()) files.push(input);
    else skipped.push(notAFile(input, st));
  }
  return { files, skipped };
}

function notAFile(file: string, st: Stats): SkippedInput {
  const kind = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  return { file, reason: 'not_a_file', detail: `${file} is ${kind}; only regular files are read (it could block forever)` };
}

async function walk(dir: string, files: string[], skipped: SkippedInput[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    skipped.push({ file: dir, reason: 'unreadable', detail: `the folder ${dir} cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      await walk(p, files, skipped);
      continue;
    }
    // Sidecar outputs of our own (reports, quarantine) are not inputs.
    const data = DATA_FILE.test(e.name) && !/\.(rejects\.jsonl|report\.json|manifest\.json|truth\.json)$/.test(e.name);
    if (e.isFile()) {
      if (data) files.push(p);
      continue;
    }
    if (!data) continue;
    // Links to files are followed (a folder of links to the data is common), links to folders
    // are not (a cycle would never end); anything else by a data name is reported, not opened.
    let st: Stats;
    try {
      st = await stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const link = (await lstat(p).catch(() => undefined))?.isSymbolicLink();
      skipped.push({ file: p, reason: 'unreadable', detail: `${p} ${link && code === 'ENOENT' ? 'is a link to a path that does not exist' : `cannot be read (${code})`}` });
      continue;
    }
    if (st.isFile()) files.push(p);
    else if (st.isDirectory()) skipped.push({ file: p, reason: 'not_a_file', detail: `${p} is a link to a folder; links to folders are not followed (name the folder itself)` });
    else skipped.push(notAFile(p, st));
  }
}
