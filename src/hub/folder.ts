/**
 * Reads what is to be pushed and checks it is sftforge output before anything touches the
 * network: a tokenized folder (manifest + Arrow shards whose sha256 must still match the
 * manifest) or a JSONL file with its run report. Every file gets its digests here, once.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { createInterface } from 'node:readline';
import { readArrowHead, type ArrowHead } from './arrow-head.js';
import { NotADatasetError } from './errors.js';
import { digestFile, type FileDigest } from './hash.js';
import { DATASET_DICT, inspectDatasetDict, type SplitInfo } from './dataset-dict.js';
import { asStats, describeIssues, ManifestSchema, RunReportSchema, type Manifest, type RunReport } from './manifest.js';

export interface LocalFile {
  /** Where the file goes in the repository. */
  repoPath: string;
  localPath: string;
  digest: FileDigest;
}

export interface LocalDataset {
  kind: 'tokenized' | 'jsonl';
  /** What the data files are: Arrow IPC streams, Parquet (tokenize --format parquet-openchat), JSON lines. */
  dataFormat: 'arrow' | 'parquet' | 'jsonl';
  /** The folder (tokenized) or the .jsonl file (jsonl), as given. */
  path: string;
  manifest?: Manifest;
  report?: RunReport;
  stats?: Record<string, unknown>;
  /** The train split's data files, in order, with their names in the repository. */
  data: LocalFile[];
  /** Uploaded beside the data as they are: the manifest, the statistics, the run report. */
  meta: LocalFile[];
  rows: number;
  /** Schema and first row of the first shard (Arrow shards only). */
  head?: ArrowHead;
  /** Things worth telling the user that do not stop the push. */
  warnings: string[];
  /** A DatasetDict folder: one entry per split (dataset-dict.ts); absent: one train split. */
  splits?: SplitInfo[];
  /** JSONL: what one line holds (messages, preference pairs, ShareGPT conversations, ...). */
  jsonlForm?: JsonlForm;
}

export type JsonlForm = 'messages' | 'preference' | 'conversations' | 'other';

export const MANIFEST = 'sftforge.json';
export const STATS = 'stats.json';

/**
 * The checks that read no more than headers: run before anything touches the network (and before
 * hashing, which takes seconds per GB), so a wrong folder fails fast and offline.
 */
export async function checkDataset(path: string): Promise<void> {
  await locate(path, false);
}

/** Everything the push needs, with every file's digests (reads each file once). */
export async function inspectDataset(path: string): Promise<LocalDataset> {
  return (await locate(path, true))!;
}

async function locate(path: string, hash: boolean): Promise<LocalDataset | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new NotADatasetError(path, 'no such file or folder');
  if (st.isFile()) {
    if (path.endsWith('.jsonl')) return inspectJsonl(path, hash);
    throw new NotADatasetError(path, 'push takes a folder written by `sftforge tokenize` or a .jsonl file with its .report.json beside it');
  }
  if (await exists(join(path, MANIFEST))) return inspectTokenized(path, hash);
  if (await exists(join(path, DATASET_DICT))) return inspectDatasetDict(path, hash);
  const names = await readdir(path);
  const withReport = names.filter((n) => n.endsWith('.jsonl') && names.includes(reportName(n)));
  if (withReport.length === 1) return inspectJsonl(join(path, withReport[0]!), hash);
  if (withReport.length > 1) {
    throw new NotADatasetError(path, `holds several JSONL outputs (${withReport.join(', ')}); pass the one to push, e.g. ${join(path, withReport[0]!)}`);
  }
  const why =
    names.includes('dataset_info.json') || names.includes('state.json')
      ? `has no ${MANIFEST}: it looks like a datasets folder that sftforge did not write`
      : `has no ${MANIFEST} and no .jsonl with a .report.json`;
  throw new NotADatasetError(path, `${why}; push takes the output folder of \`sftforge tokenize\` or a cleaned/generated .jsonl with its report`);
}

async function inspectTokenized(dir: string, hash: boolean): Promise<LocalDataset | undefined> {
  const manifestPath = join(dir, MANIFEST);
  const manifest = parseManifest(manifestPath, await readJson(manifestPath));
  // OpenChat's epoch files are reshuffles of one another: the Hub gets epoch 0 (and the JSONL).
  const openchat = (manifest as { openchat?: { jsonl?: string } }).openchat;
  if (openchat) manifest.shards = manifest.shards.slice(0, 1);
  const n = manifest.shards.length;
  const parquet = manifest.format === 'parquet-openchat' || manifest.shards.every((s) => s.file.endsWith('.parquet'));
  const ext = parquet ? 'parquet' : 'arrow';
  const paths: string[] = [];
  for (const [i, shard] of manifest.shards.entries()) {
    const rel = normalize(shard.file);
    if (isAbsolute(rel) || rel.startsWith('..')) throw new NotADatasetError(manifestPath, `shards[${i}].file "${shard.file}" points outside the folder`);
    const localPath = join(dir, rel);
    const size = (await stat(localPath).catch(() => undefined))?.size;
    if (size === undefined) throw new NotADatasetError(localPath, `listed in ${MANIFEST} but missing; re-run \`sftforge tokenize\``);
    if (size !== shard.bytes) throw new NotADatasetError(localPath, changed(`its size is ${size} bytes, ${MANIFEST} says ${shard.bytes}`));
    paths.push(localPath);
  }
  const rows = manifest.shards.reduce((s, x) => s + x.rows, 0);
  if (manifest.rows !== undefined && manifest.rows !== rows) {
    throw new NotADatasetError(manifestPath, `says rows=${manifest.rows} but its shards add up to ${rows}; re-run \`sftforge tokenize\``);
  }
  let head: ArrowHead | undefined;
  if (parquet) await checkParquet(paths[0]!);
  else {
    try {
      head = await readArrowHead(paths[0]!);
    } catch (e) {
      throw new NotADatasetError(paths[0]!, `is not an Arrow IPC stream shard (${(e as Error).message})`);
    }
  }
  if (!hash) return undefined;
  const data: LocalFile[] = [];
  for (const [i, shard] of manifest.shards.entries()) {
    const digest = await digestFile(paths[i]!);
    if (digest.sha256 !== shard.sha256) throw new NotADatasetError(paths[i]!, changed(`its sha256 differs from ${MANIFEST}`));
    data.push({ repoPath: `data/train-${pad5(i)}-of-${pad5(n)}.${ext}`, localPath: paths[i]!, digest });
  }
  const warnings: string[] = [];
  const meta: LocalFile[] = [{ repoPath: MANIFEST, localPath: manifestPath, digest: await digestFile(manifestPath) }];
  // The chat template and special tokens the rows were made with; OpenChat's conversation JSONL.
  for (const extra of ['tokenizer_config.json', ...(openchat?.jsonl ? [openchat.jsonl] : [])]) {
    if (await exists(join(dir, extra))) meta.push({ repoPath: extra, localPath: join(dir, extra), digest: await digestFile(join(dir, extra)) });
  }
  const stats = await readStats(join(dir, STATS), warnings);
  if (stats) meta.push({ repoPath: STATS, localPath: join(dir, STATS), digest: await digestFile(join(dir, STATS)) });
  return { kind: 'tokenized', dataFormat: ext, path: dir, manifest, report: manifest.report, stats, data, meta, rows, head, warnings };
}

function changed(what: string): string {
  return `${what}: the folder changed after tokenize wrote it; re-run \`sftforge tokenize\``;
}

async function inspectJsonl(file: string, hash: boolean): Promise<LocalDataset | undefined> {
  const reportPath = join(dirname(file), reportName(basename(file)));
  const first = await checkFirstLine(file);
  const form = jsonlForm(first);
  const hasReport = await exists(reportPath);
  // Messages and preference files are recognisable by their lines; other JSONL needs its run report.
  if (!hasReport && (form === 'other' || form === 'conversations')) {
    throw new NotADatasetError(file, `has no ${basename(reportPath)} beside it: push takes JSONL written by sftforge (clean, generate), which writes that report, or messages / preference JSONL`);
  }
  let report: RunReport | undefined;
  if (hasReport) {
    const parsed = RunReportSchema.safeParse(await readJson(reportPath));
    if (!parsed.success || parsed.data.records_out === undefined) {
      throw new NotADatasetError(reportPath, 'is not an sftforge run report (no records_out)');
    }
    report = parsed.data;
  }
  if (!hash) return undefined;
  const warnings: string[] = [];
  const digest = await digestFile(file);
  const rows = digest.lines;
  if (report && report.records_out !== rows) {
    warnings.push(`${basename(file)} has ${rows} lines but its report says records_out=${report.records_out}`);
  }
  if (!report) warnings.push(`${basename(file)}: no ${basename(reportPath)} beside it; the card has no run figures`);
  const meta: LocalFile[] = report ? [{ repoPath: 'sftforge.report.json', localPath: reportPath, digest: await digestFile(reportPath) }] : [];
  const statsPath = [file.replace(/\.jsonl$/, '.stats.json'), join(dirname(file), STATS)];
  let stats: Record<string, unknown> | undefined;
  for (const p of statsPath) {
    stats = await readStats(p, warnings);
    if (stats) {
      meta.push({ repoPath: STATS, localPath: p, digest: await digestFile(p) });
      break;
    }
  }
  const data = [{ repoPath: 'data/train.jsonl', localPath: file, digest }];
  return { kind: 'jsonl', dataFormat: 'jsonl', path: file, report, stats, data, meta, rows, warnings, jsonlForm: form };
}

/** What a JSONL line holds: TRL's conversational `messages`, a preference pair, ShareGPT `conversations`. */
export function jsonlForm(v: Record<string, unknown>): JsonlForm {
  if (Array.isArray(v.messages)) return 'messages';
  if ('chosen' in v && 'rejected' in v) return 'preference';
  if (Array.isArray(v.conversations)) return 'conversations';
  return 'other';
}

function parseManifest(path: string, value: unknown): Manifest {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind !== undefined && kind !== 'tokenized') {
    throw new NotADatasetError(path, `kind is "${String(kind)}": only tokenized output can be pushed as shards`);
  }
  const r = ManifestSchema.safeParse(value);
  if (!r.success) throw new NotADatasetError(path, `is not an sftforge manifest: ${describeIssues(r.error)}`);
  return r.data;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new NotADatasetError(path, `is not valid JSON (${(e as Error).message})`);
  }
}

/** Statistics are optional and another stage's output: a bad file is reported, not fatal. */
async function readStats(path: string, warnings: string[]): Promise<Record<string, unknown> | undefined> {
  if (!(await exists(path))) return undefined;
  try {
    const s = asStats(JSON.parse(await readFile(path, 'utf8')));
    if (!s) warnings.push(`${path}: not a JSON object, statistics left out of the card`);
    return s;
  } catch {
    warnings.push(`${path}: not valid JSON, statistics left out of the card`);
    return undefined;
  }
}

async function checkFirstLine(file: string): Promise<Record<string, unknown>> {
  const rl = createInterface({ input: createReadStream(file, { end: 1 << 24 }), crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        v = undefined;
      }
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new NotADatasetError(`${file}:1`, 'is not a JSON object: not JSONL written by sftforge');
      return v as Record<string, unknown>;
    }
  } finally {
    rl.close();
  }
  throw new NotADatasetError(file, 'is empty: nothing to push');
}

/** A Parquet file starts and ends with the magic `PAR1`. */
async function checkParquet(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    await fh.read(tail, 0, 4, Math.max(0, size - 4));
    if (size < 12 || head.toString('latin1') !== 'PAR1' || tail.toString('latin1') !== 'PAR1') {
      throw new NotADatasetError(path, 'is not a Parquet file (no PAR1 magic); re-run `sftforge tokenize`');
    }
  } finally {
    await fh.close();
  }
}

function reportName(jsonlName: string): string {
  return jsonlName.replace(/\.jsonl$/, '.report.json');
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function pad5(i: number): string {
  return String(i).padStart(5, '0');
}
