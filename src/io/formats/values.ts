/**
 * Any input file as a stream of parsed JSON values with their positions: Parquet/Arrow rows,
 * JSONL lines, the elements of a JSON array, or one JSON object (a whole file, e.g. a
 * Super-NaturalInstructions task). A line or element that does not parse is a reject in place.
 */
import type { RejectMarker, SourcePos } from '../../core/types.js';
import { reject } from '../../core/types.js';
import { InputError } from '../../core/errors.js';
import { readBytes } from '../bytes.js';
import { splitJsonArray } from '../json-array.js';
import { splitLines } from '../jsonl.js';
import { readTable, tableKind } from './table.js';

export interface SourcedValue {
  value: unknown;
  source: SourcePos;
}

export type ValueLayout = 'table' | 'lines' | 'array' | 'object';

function parsed(text: string, source: SourcePos): SourcedValue | RejectMarker {
  try {
    return { value: JSON.parse(text), source };
  } catch (e) {
    return reject({ reason: 'malformed', detail: `invalid JSON: ${(e as Error).message}`, source, record: text });
  }
}

/** From the name, else the first non-space character (as read.ts decides). */
export async function valueLayout(file: string): Promise<ValueLayout> {
  if (tableKind(file)) return 'table';
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'lines';
  try {
    for await (const chunk of readBytes(file)) {
      const s = chunk
        .toString('utf8', 0, Math.min(chunk.length, 4096))
        .replace(/^\uFEFF/, '')
        .trimStart();
      if (s === '') continue;
      if (s[0] === '[') return 'array';
      const first = s.split('\n', 1)[0]!;
      try {
        JSON.parse(first);
        return 'lines';
      } catch {
        return s[0] === '{' && first.trim() === '{' ? 'object' : 'lines';
      }
    }
  } catch (e) {
    throw new InputError(file, `cannot be read: ${(e as Error).message}`, 'check the file exists and is readable');
  }
  return 'lines';
}

export async function* readValues(file: string, layout?: ValueLayout): AsyncGenerator<SourcedValue | RejectMarker> {
  const l = layout ?? (await valueLayout(file));
  if (l === 'table') {
    yield* readTable(file);
    return;
  }
  if (l === 'object') {
    yield* readWholeJson(file);
    return;
  }
  if (l === 'lines') {
    for await (const ev of splitLines(readBytes(file))) {
      const source = { file, line: ev.line };
      if (ev.kind === 'line') {
        if (ev.text.trim() !== '') yield parsed(ev.text, source);
      } else yield reject({ reason: ev.kind === 'truncated' ? 'malformed' : ev.kind, detail: 'detail' in ev ? ev.detail : `line of ${ev.bytes} bytes`, source });
    }
    return;
  }
  for await (const ev of splitJsonArray(readBytes(file))) {
    const source = { file, index: ev.index };
    if (ev.kind === 'element') yield parsed(ev.text, source);
    else yield reject({ reason: ev.kind === 'truncated' || ev.kind === 'error' ? 'malformed' : ev.kind, detail: 'detail' in ev ? ev.detail : `element of ${ev.bytes} bytes`, source });
  }
}

/** One JSON value from the whole file (no size limit: task files can pass the record limit). */
export async function* readWholeJson(file: string): AsyncGenerator<SourcedValue | RejectMarker> {
  const parts: Buffer[] = [];
  try {
    for await (const b of readBytes(file)) parts.push(b);
  } catch (e) {
    throw new InputError(file, `cannot be read: ${(e as Error).message}`, 'check the file exists and is readable');
  }
  const text = Buffer.concat(parts)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const v = parsed(text, { file, index: 0 });
  if ('__reject' in v || !Array.isArray(v.value)) {
    yield v;
    return;
  }
  for (const [index, value] of v.value.entries()) yield { value, source: { file, index } };
}
