/**
 * Readers: every supported input becomes a stream of RawRecords (JSON text plus source
 * position), then Conversations. Formats are detected per file and can be forced with --format.
 */
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Conversation, InputFormat, RawRecord, RejectMarker } from '../core/types.js';
import { reject } from '../core/types.js';
import { InputError } from '../core/errors.js';
import { readBytes } from './bytes.js';
import { expandInputs } from './files.js';
import { splitJsonArray } from './json-array.js';
import { splitLines } from './jsonl.js';
import { parseSharegptPage } from './pages.js';
import { normalizeRecord } from './normalize.js';

export interface ReadOptions {
  /** Force a format instead of detecting it per file. */
  format?: InputFormat;
  /** Called with the number of bytes read from disk (for progress and MB/s). */
  onBytes?: (n: number) => void;
}

export const INPUT_FORMATS: readonly InputFormat[] = ['sharegpt', 'sharegpt-jsonl', 'ultrachat', 'openai', 'sharegpt-pages'];

/** Raw records from every input, in order: files sorted, records in file order. */
export async function* readRaw(inputs: readonly string[], opts: ReadOptions = {}): AsyncGenerator<RawRecord | RejectMarker> {
  const files = await expandInputs(inputs);
  for (const file of files) yield* readFileRaw(file, opts);
}

export async function* readFileRaw(file: string, opts: ReadOptions = {}): AsyncGenerator<RawRecord | RejectMarker> {
  const layout = await detectLayout(file, opts.format);
  const dialect = dialectOf(opts.format);
  if (layout === 'pages') {
    const buf = await readFile(file);
    opts.onBytes?.(buf.length);
    const res = parseSharegptPage(buf.toString('utf8'), basename(file).replace(/\.html?(\.gz)?$/i, ''));
    const source = { file, index: 0 };
    if (res.ok) yield { source, value: res.value, dialect: 'sharegpt' };
    else yield reject({ reason: 'malformed', detail: res.detail, source });
    return;
  }
  const bytes = readBytes(file, opts.onBytes);
  if (layout === 'array') {
    for await (const ev of splitJsonArray(bytes)) {
      const source = { file, index: ev.index };
      if (ev.kind === 'element') yield { source, text: ev.text, dialect };
      else yield reject({ reason: 'malformed', detail: ev.detail, source, record: ev.text || undefined });
    }
  } else {
    for await (const ev of splitLines(bytes)) {
      const source = { file, line: ev.line };
      if (ev.kind === 'line') yield { source, text: ev.text, dialect };
      else yield reject({ reason: 'malformed', detail: ev.detail, source });
    }
  }
}

/** Raw records turned into Conversations (unvalidated beyond shape: the clean stage repairs). */
export async function* readConversations(inputs: readonly string[], opts: ReadOptions = {}): AsyncGenerator<Conversation | RejectMarker> {
  for await (const raw of readRaw(inputs, opts)) {
    if ('__reject' in raw) yield raw;
    else yield normalizeRecord(raw);
  }
}

type Layout = 'array' | 'lines' | 'pages';

function dialectOf(format: InputFormat | undefined): RawRecord['dialect'] {
  if (format === 'ultrachat' || format === 'openai') return format;
  if (format === 'sharegpt' || format === 'sharegpt-jsonl' || format === 'sharegpt-pages') return 'sharegpt';
  return 'auto';
}

/** Array, lines or page: from --format, else the name, else the first non-space byte. */
async function detectLayout(file: string, format: InputFormat | undefined): Promise<Layout> {
  if (format === 'sharegpt-pages') return 'pages';
  if (format === 'sharegpt-jsonl') return 'lines';
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.html') || name.endsWith('.htm')) return 'pages';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'lines';
  try {
    for await (const chunk of readBytes(file)) {
      const s = chunk.toString('utf8', 0, Math.min(chunk.length, 4096)).replace(/^\uFEFF/, '');
      const first = s.trimStart()[0];
      if (first === '[') return 'array';
      if (first === '<') return 'pages';
      if (first === '{') {
        // One object per line, or one pretty-printed object: a JSON value ending the first line decides.
        const firstLine = s.trimStart().split('\n', 1)[0]!;
        try {
          JSON.parse(firstLine);
          return 'lines';
        } catch {
          return s.includes('\n') && firstLine.trim() === '{' ? 'array' : 'lines';
        }
      }
      if (first !== undefined) return 'lines';
    }
  } catch (e) {
    throw new InputError(file, `cannot be read: ${(e as Error).message}`, 'check the file exists and is readable');
  }
  return 'lines';
}
