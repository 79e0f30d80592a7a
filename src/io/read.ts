/**
 * Readers: every supported input becomes a stream of RawRecords (JSON text plus source
 * position), then Conversations. Formats are detected per file and can be forced with --format.
 * Nothing read is lost and nothing hostile gets through: a record over a limit (io/limits.ts), a
 * file that cannot be read, is not a regular file or inflates like a bomb, each becomes a reject.
 */
import { basename } from 'node:path';
import type { Conversation, InputFormat, RawRecord, RejectMarker, SourcePos } from '../core/types.js';
import { reject } from '../core/types.js';
import { DecompressionLimit, fmtBytes, readBytes, TruncatedInput } from './bytes.js';
import { expandInputsDetailed } from './files.js';
import { IdRegistry, positionalId } from './ids.js';
import { splitJsonArray } from './json-array.js';
import { splitLines } from './jsonl.js';
import { inspectJson, resolveLimits, type ReadLimits } from './limits.js';
import { parseSharegptPage } from './pages.js';
import { cutUtf8 } from './safe-json.js';
import { normalizeRecord } from './normalize.js';

export interface ReadOptions {
  /** Force a format instead of detecting it per file. */
  format?: InputFormat;
  /** Called with the number of bytes read from disk (for progress and MB/s). */
  onBytes?: (n: number) => void;
  /** Per-record and per-file limits (defaults: DEFAULT_READ_LIMITS in io/limits.ts). */
  limits?: ReadLimits;
  /** One line about an input that was skipped or read specially; default: written to stderr. */
  onWarning?: (message: string) => void;
  /** Rename a later record whose id an earlier one has (`ID#2`, repair `duplicate_id`); default true. */
  uniqueIds?: boolean;
}

export const INPUT_FORMATS: readonly InputFormat[] = ['sharegpt', 'sharegpt-jsonl', 'ultrachat', 'openai', 'sharegpt-pages'];

const warnStderr = (m: string) => void process.stderr.write(`sftforge: warning: ${m}\n`);

/** Raw records from every input, in order: files sorted, records in file order; skipped inputs first. */
export async function* readRaw(inputs: readonly string[], opts: ReadOptions = {}): AsyncGenerator<RawRecord | RejectMarker> {
  const { files, skipped } = await expandInputsDetailed(inputs);
  const warn = opts.onWarning ?? warnStderr;
  for (const s of skipped) {
    warn(`skipped ${s.detail}`);
    yield reject({ reason: s.reason, detail: s.detail, source: { file: s.file } });
  }
  const ids = opts.uniqueIds === false ? undefined : new IdRegistry();
  for (const file of files) yield* readFileRaw(file, opts, ids);
}

export async function* readFileRaw(file: string, opts: ReadOptions = {}, ids?: IdRegistry): AsyncGenerator<RawRecord | RejectMarker> {
  const limits = resolveLimits(opts.limits);
  const warn = opts.onWarning ?? warnStderr;
  const dialect = dialectOf(opts.format);
  const bytesOpts = { limits, onEncoding: (e: string) => warn(`${file} is ${e.toUpperCase()}; read as such`) };
  const fileReject = (reason: string, detail: string) => {
    warn(`${reason}: ${detail}`);
    return reject({ reason, detail, source: { file } });
  };
  /** A record found by a splitter: its id claimed (duplicates renamed) and its repairs noted. */
  const record = (source: SourcePos, text: string | undefined, value: unknown, id: string | undefined, invalidUtf8?: boolean): RawRecord => {
    const r: RawRecord = text !== undefined ? { source, text, dialect } : { source, value, dialect: value !== undefined ? 'sharegpt' : dialect };
    const repairs: string[] = invalidUtf8 ? ['invalid_utf8'] : [];
    const claimed = ids?.claim(id ?? positionalId(source));
    if (claimed?.renamed) {
      r.id = claimed.id;
      repairs.push('duplicate_id');
    }
    if (repairs.length) r.repairs = repairs;
    return r;
  };
  const overLimit = (source: SourcePos, ev: { kind: 'too_large' | 'too_deep'; offset: number; bytes: number; head: string; depth?: number }) => {
    const where = source.line !== undefined ? `line ${source.line}` : `element ${source.index}`;
    const range = `bytes ${ev.offset}–${ev.offset + ev.bytes} of the file's text`;
    const kept = `its first ${fmtBytes(Buffer.byteLength(ev.head))} are kept here`;
    const detail =
      ev.kind === 'too_large'
        ? `${where} is ${fmtBytes(ev.bytes)} (${range}), over the ${fmtBytes(limits.maxRecordBytes)} record limit (maxRecordBytes); ${kept}`
        : `${where} is nested more than ${limits.maxDepth} levels deep (${range}; limit maxDepth); ${kept}`;
    return reject({ reason: ev.kind, detail, source, record: ev.head });
  };

  let layout: Layout;
  try {
    layout = await detectLayout(file, opts.format, bytesOpts);
  } catch (e) {
    yield fileReject('unreadable', `${file} cannot be read (${errText(e)})`);
    return;
  }
  const keep = { keepBytes: limits.keepBytes };
  try {
    if (layout === 'pages') {
      let size = 0;
      const parts: Buffer[] = [];
      for await (const b of readBytes(file, opts.onBytes, bytesOpts)) {
        size += b.length;
        if (size <= limits.maxRecordBytes) parts.push(b);
      }
      const source = { file, index: 0 };
      const buf = Buffer.concat(parts);
      if (size > limits.maxRecordBytes) {
        yield overLimit(source, { kind: 'too_large', offset: 0, bytes: size, head: buf.subarray(0, limits.keepBytes).toString('utf8') });
        return;
      }
      const res = parseSharegptPage(buf.toString('utf8'), basename(file).replace(/\.html?(\.gz)?$/i, ''), limits.maxDepth);
      if (res.ok) yield record(source, undefined, res.value, typeof res.value.id === 'string' ? res.value.id : undefined);
      else yield reject({ reason: res.reason ?? 'malformed', detail: res.detail, source });
      return;
    }
    const bytes = readBytes(file, opts.onBytes, bytesOpts);
    if (layout === 'array') {
      for await (const ev of splitJsonArray(bytes, { maxElementBytes: limits.maxRecordBytes, maxDepth: limits.maxDepth, ...keep })) {
        const source = { file, index: ev.index };
        if (ev.kind === 'element') yield record(source, ev.text, undefined, inspectJson(ev.text, limits.maxDepth).id, ev.invalidUtf8);
        else if (ev.kind === 'too_large' || ev.kind === 'too_deep') yield overLimit(source, ev);
        else yield reject({ reason: 'malformed', detail: ev.detail, source, record: ev.text || undefined });
      }
    } else {
      for await (const ev of splitLines(bytes, { maxLineBytes: limits.maxRecordBytes, ...keep })) {
        const source = { file, line: ev.line };
        if (ev.kind === 'line') {
          const shape = inspectJson(ev.text, limits.maxDepth);
          if (shape.tooDeep) yield overLimit(source, { kind: 'too_deep', offset: ev.offset, bytes: Buffer.byteLength(ev.text), head: cutUtf8(ev.text, limits.keepBytes).text });
          else yield record(source, ev.text, undefined, shape.id, ev.invalidUtf8);
        } else if (ev.kind === 'too_large') yield overLimit(source, ev);
        else yield reject({ reason: 'malformed', detail: ev.detail, source });
      }
    }
  } catch (e) {
    if (e instanceof DecompressionLimit) {
      yield fileReject('decompression_limit', `${file} was not read further: ${e.message}; records before that point were read (raise the limit if the file is genuine)`);
    } else if (typeof (e as NodeJS.ErrnoException)?.code === 'string') {
      yield fileReject('unreadable', `${file} could not be read to its end (${errText(e)})`);
    } else throw e;
  }
}

/** Raw records turned into Conversations (unvalidated beyond shape: the clean stage repairs). */
export async function* readConversations(inputs: readonly string[], opts: ReadOptions = {}): AsyncGenerator<Conversation | RejectMarker> {
  const maxDepth = resolveLimits(opts.limits).maxDepth;
  for await (const raw of readRaw(inputs, opts)) {
    if ('__reject' in raw) yield raw;
    else yield normalizeRecord(raw, { maxDepth });
  }
}

type Layout = 'array' | 'lines' | 'pages';

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? String(err?.message ?? e);
}

function dialectOf(format: InputFormat | undefined): RawRecord['dialect'] {
  if (format === 'ultrachat' || format === 'openai') return format;
  if (format === 'sharegpt' || format === 'sharegpt-jsonl' || format === 'sharegpt-pages') return 'sharegpt';
  return 'auto';
}

/** Array, lines or page: from --format, else the name, else the first non-space byte. */
async function detectLayout(file: string, format: InputFormat | undefined, bytesOpts: Parameters<typeof readBytes>[2]): Promise<Layout> {
  if (format === 'sharegpt-pages') return 'pages';
  if (format === 'sharegpt-jsonl') return 'lines';
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.html') || name.endsWith('.htm')) return 'pages';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'lines';
  // Only the first chunk is looked at; its encoding is told when the file is read for real.
  try {
    for await (const chunk of readBytes(file, undefined, { limits: bytesOpts?.limits })) return layoutOf(chunk);
  } catch (e) {
    // A .gz cut before its first chunk: the line reader reports the cut as a record.
    if (e instanceof TruncatedInput) return 'lines';
    throw e;
  }
  return 'lines';
}

function layoutOf(chunk: Buffer): Layout {
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
  return 'lines';
}
