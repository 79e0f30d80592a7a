/** Expanding the inputs a user names: files as given, folders sorted and recursive. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';

const DATA_FILE = /\.(jsonl?|ndjson|html?)(\.gz)?$/i;

/** Files under the inputs, in a stable order (folders: recursive, sorted by name, byte order). */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = await stat(input);
    } catch {
      throw new InputError(input, 'no such file or folder', 'check the path; inputs are files or folders of .json/.jsonl/.html (optionally .gz)');
    }
    if (st.isDirectory()) out.push(...(await walk(input)));
    else out.push(input);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    // Sidecar outputs of our own (reports, quarantine) are not inputs.
    else if (DATA_FILE.test(e.name) && !/\.(rejects\.jsonl|report\.json|manifest\.json|truth\.json)$/.test(e.name)) out.push(p);
  }
  return out;
}
