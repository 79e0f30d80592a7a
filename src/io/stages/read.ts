/**
 * `read`: every input file in order (folders sorted, recursive), each record with its source
 * position and input ordinal. It only parses and normalises: a record that ends with a user turn
 * or holds only a prompt passes; the rules that reject (alternation, empty turns, length) are
 * `clean`'s. Records stay unparsed until a stage needs them, so `clean` parses them on its workers.
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import type { Item } from '../../core/stage.js';
import { UsageError } from '../../core/errors.js';
import { isReject, reject, type Conversation, type InputFormat, type RawRecord, type RejectMarker } from '../../core/types.js';
import { expandInputs, expandInputsDetailed, type SkippedInput } from '../files.js';
import type { FormatOptions } from '../formats/index.js';
import { canonicalFormat, formatNames } from '../formats/names.js';
import { normalizeRecord } from '../normalize.js';
import { readRaw } from '../read.js';

const Options = z
  .object({
    /** Files or folders; a single string is one path. */
    paths: z.union([z.string().min(1), z.array(z.string().min(1))]).transform((p) => (Array.isArray(p) ? p : [p])),
    /** Input format; detected per file when absent. */
    format: z.string().optional(),
    /** Instruction formats: `fixed` (default) or open-instruct's weighted random templates (`open-instruct`, seeded by `seed`). */
    instruction_templates: z.enum(['fixed', 'open-instruct']).optional(),
    seed: z.number().int().min(0).optional(),
    /** oasst: at most this many replies per message, best first. */
    top_k_reply: z.number().int().min(1).optional(),
    /** chatgpt_export: the current branch (default) or every branch. */
    branches: z.enum(['current', 'all']).optional(),
    /** The `dataset` field of every record (open-instruct's output names its source). */
    dataset: z.string().optional(),
    /** Fail (exit 2) instead of warning when a file yields no readable record or looks like another format. */
    strict: z.boolean().optional(),
    /** Deepest JSON nesting of a record (reject too_deep; checked before parsing). */
    max_json_depth: z.number().int().min(1).max(1_000_000).optional(),
    /** Largest record in bytes (reject too_large; skipped without being buffered). */
    max_record_bytes: z.number().int().min(1).optional(),
    /** Most bytes a compressed input may inflate to, and the largest ratio (decompression_limit). */
    max_decompressed_bytes: z.number().int().min(1).optional(),
    max_compression_ratio: z.number().min(1).optional(),
  })
  .strict();

export type ReadOptions = z.infer<typeof Options>;

export default defineStage({
  name: 'read',
  description: 'read JSON/JSONL/.gz/pages/folders of chat records, each with its file and line; detects the format per file',
  kind: 'io',
  options: Options,
  scope: 'source',
  parse(item, stats) {
    if (Array.isArray((item as Conversation).turns)) return [item]; // already parsed by a format converter
    const conv = normalizeRecord(item as RawRecord);
    const c = conv as Conversation;
    if (c.repairs) {
      for (const r of c.repairs) stats.repair(r);
      delete c.repairs;
    }
    return [conv];
  },
  async identity(o, env) {
    const files = await expandInputs(o.paths.map(env.resolve));
    return Promise.all(files.map(async (f) => [f, (await stat(f).catch(() => ({ size: -1 }))).size]));
  },
  create(o, env) {
    const format = o.format === undefined || o.format === 'auto' ? 'auto' : canonicalFormat(o.format);
    if (format === undefined) throw new UsageError(`unknown input format ${JSON.stringify(o.format)}`, `use auto or one of: ${formatNames().join(', ')}`);
    const paths = o.paths.map(env.resolve);
    const formatOptions: FormatOptions = {
      instructionTemplates: o.instruction_templates,
      seed: o.seed,
      topKReply: o.top_k_reply,
      branches: o.branches,
      dataset: o.dataset,
    };
    return {
      name: 'read',
      async *run(_input, ctx) {
        if (ctx.setTotalBytes) {
          let total = 0;
          for (const f of await expandInputs(paths)) total += (await stat(f).catch(() => ({ size: 0 }))).size;
          ctx.setTotalBytes(total);
        }
        // Every rank reads every byte; only rank 0 counts them, so the parts add up to the input.
        const onBytes = ctx.rank === 0 ? (n: number) => (ctx.stats.bytesIn += n) : undefined;
        const limits = { maxDepth: o.max_json_depth, maxRecordBytes: o.max_record_bytes, maxDecompressedBytes: o.max_decompressed_bytes, maxCompressionRatio: o.max_compression_ratio };
        const rawOpts = { format: legacy(format), onBytes, limits, onWarning: (m: string) => ctx.log(m) };
        if (format !== 'auto') await checkFormat(paths, format, o.strict === true, warn);
        let seq = 0;
        // Per file: records and reader rejects, to say loudly when a file yields nothing readable.
        let cur: { file: string; n: number; bad: number } | undefined;
        const closeFile = () => {
          if (cur && cur.n > 0 && cur.bad === cur.n) {
            const msg = `${cur.file}: none of its ${cur.n} records could be read (all rejected as malformed); check that it is JSON or JSONL in a format sftforge reads (sftforge stages read, docs/FORMATS.md)`;
            if (o.strict) throw new UsageError(msg, 'fix the input or pass --input-format; without --strict the run goes on');
            warn(`warning: ${msg}`);
          }
        };
        const take = function* (item: RawRecord | Conversation | RejectMarker) {
          const file = item.source.file;
          if (cur?.file !== file) {
            closeFile();
            cur = { file, n: 0, bad: 0 };
          }
          cur.n++;
          if (isReject(item)) cur.bad++;
          const n = seq++;
          if (!ctx.mine(n)) return;
          item.source.seq = n;
          yield item as Item;
        };
        const plan = await planFiles(paths, format);
        if (plan === 'raw') {
          // ShareGPT, UltraChat, OpenAI messages: records stay unparsed for clean's workers.
          for await (const item of readRaw(paths, rawOpts) as AsyncIterable<RawRecord | RejectMarker>) {
            if (ctx.signal.aborted) return;
            yield* take(item);
          }
          closeFile();
          return;
        }
        for (const s of plan.skipped) {
          ctx.log(`skipped ${s.detail}`);
          yield* take(reject({ reason: s.reason, detail: s.detail, source: { file: s.file } }));
        }
        for (const { file, fmt } of plan.files) {
          const items = fmt === undefined ? readRaw([file], rawOpts) : (await formats()).convertFile(file, fmt, formatOptions);
          for await (const item of items as AsyncIterable<RawRecord | Conversation | RejectMarker>) {
            if (ctx.signal.aborted) return;
            yield* take(item);
          }
          if (fmt !== undefined && ctx.rank === 0) ctx.stats.bytesIn += (await stat(file).catch(() => ({ size: 0 }))).size;
        }
        closeFile();
      },
    };
  },
});

const LEGACY = new Set(['sharegpt', 'sharegpt_pages', 'ultrachat', 'openai']);

/** The old reader's name for a format it reads itself (undefined: detect). */
function legacy(format: string): InputFormat | undefined {
  if (format === 'sharegpt_pages') return 'sharegpt-pages';
  return LEGACY.has(format) ? (format as InputFormat) : undefined;
}

/**
 * Which reader takes each file: the record reader (ShareGPT, UltraChat, OpenAI messages, pages:
 * unparsed records, parsed on clean's workers) or a format converter (every instruction format,
 * Parquet and Arrow files). With `auto`, the first record of each file decides.
 */
/** The format converters, loaded only when a file needs them (start-up of a plain ShareGPT run). */
const formats = () => import('../formats/index.js');

async function planFiles(paths: string[], format: string): Promise<'raw' | { files: { file: string; fmt: string | undefined }[]; skipped: SkippedInput[] }> {
  if (format !== 'auto' && LEGACY.has(format)) return 'raw';
  const { files, skipped } = await expandInputsDetailed(paths);
  const out: { file: string; fmt: string | undefined }[] = [];
  for (const file of files) {
    if (format !== 'auto') out.push({ file, fmt: format });
    else if (/\.(parquet|pq|arrow|feather|ipc)$/i.test(file)) out.push({ file, fmt: 'auto' });
    else if (/\.html?(\.gz)?$/i.test(file)) out.push({ file, fmt: undefined });
    else {
      const detected = await firstFormat(file);
      out.push({ file, fmt: detected === undefined || LEGACY.has(detected) ? undefined : detected });
    }
  }
  if (out.every((f) => f.fmt === undefined)) return 'raw';
  return { files: out, skipped };
}

/**
 * With an explicit format: when a file's first record does not convert in that format but does in
 * the one its shape says, name that one (a whole Alpaca file read as ShareGPT would otherwise be
 * every record `wrong_format`, exit 0).
 */
async function checkFormat(paths: string[], format: string, strict: boolean, log: (m: string) => void): Promise<void> {
  const { convertRecord, detectFormat, readValues } = await formats();
  for (const file of await expandInputs(paths).catch(() => [] as string[])) {
    if (/\.html?(\.gz)?$/i.test(file)) continue;
    const it = readValues(file);
    let first: unknown;
    try {
      const r = await it.next();
      if (r.done || '__reject' in r.value) continue;
      first = r.value.value;
    } catch {
      continue;
    } finally {
      await it.return(undefined);
    }
    const detected = detectFormat(first);
    if (!detected || detected === format) continue;
    const pos = { file, index: 0 };
    const asGiven = convertRecord(first, format, pos);
    if (!asGiven.every(isReject) || convertRecord(first, detected, pos).every(isReject)) continue;
    const msg = `${file} looks like ${detected}, not ${format}: its first record does not read as ${format}`;
    if (strict) throw new UsageError(msg, `use --input-format ${detected} (format: ${detected} in a pipeline file)`);
    log(`warning: ${msg}; use --input-format ${detected}`);
  }
}

async function firstFormat(file: string): Promise<string | undefined> {
  const [{ detectFormat }, { readValues }] = await Promise.all([import('../formats/detect.js'), import('../formats/values.js')]);
  const it = readValues(file);
  try {
    const first = await it.next();
    if (first.done || '__reject' in first.value) return undefined;
    return detectFormat(first.value.value);
  } catch {
    return undefined;
  } finally {
    await it.return(undefined);
  }
}

/** Said even under --quiet: a file that yields nothing must not pass unnoticed. */
function warn(line: string): void {
  process.stderr.write(`sftforge: ${line}\n`);
}
