/**
 * Word and phrase lists for the filters: loading them from a file or a comma list, and finding
 * the lists shipped in `configs/` whether the code runs from `src/` (vitest) or from `dist/`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, UsageError } from '../core/errors.js';

/**
 * Parses a list file: one entry per line; blank lines and lines starting with `#` are skipped;
 * surrounding whitespace is trimmed (phrases keep their inner spaces). A trailing space that
 * matters can be kept by quoting the line in double quotes, e.g. `"my purpose is to "`.
 */
export function parseListText(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    out.push(line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line);
  }
  return out;
}

/** Reads a list file (see `parseListText`). An empty list is an error: it would filter nothing. */
export function readListFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, `cannot read list file: ${(e as Error).message}`, 'give a readable file, one entry per line');
  }
  const list = parseListText(text);
  if (list.length === 0) throw new ConfigError(path, 'list file has no entries', 'one entry per line; # starts a comment');
  return list;
}

/**
 * A CLI list argument: an existing file (one entry per line) or a comma-separated list.
 * Something that looks like a path (has a slash or ends in .txt) but does not exist is an error
 * rather than being taken as a one-word list, so a typo in a path is not silently ignored.
 */
export function loadList(spec: string, option: string): string[] {
  if (existsSync(spec) && statSync(spec).isFile()) return readListFile(spec);
  if (/[\\/]/.test(spec) || /\.txt$/i.test(spec)) {
    throw new UsageError(`${option}: file not found: ${spec}`, 'give an existing file (one entry per line) or a comma list');
  }
  const list = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new UsageError(`${option}: empty list "${spec}"`, 'give a file or a comma list, e.g. openai,chatgpt');
  return list;
}

/**
 * Finds `configs/<name>` by walking up from this module's folder, so the lookup works from
 * `src/filter/` (tests) and from any `dist/` layout.
 */
export function configPath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'configs', name);
    if (existsSync(p)) return p;
    const up = resolve(dir, '..');
    if (up === dir) break;
    dir = up;
  }
  throw new ConfigError(`configs/${name}`, 'shipped list not found above ' + dirname(fileURLToPath(import.meta.url)), 'reinstall the package or pass the list explicitly');
}
