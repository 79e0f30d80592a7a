/**
 * `pushDataset`: sends an sftforge output to a dataset repo on the Hub in one commit, so that
 * `load_dataset("NAMESPACE/NAME")` loads it. Resumable and idempotent: files already in the
 * revision (same sha256 / git oid) are skipped, so an unchanged folder makes no commit; LFS
 * objects uploaded by an interrupted push are already on the Hub, and the LFS batch API tells
 * the client not to send them again.
 */
import { readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { buildDatasetCard, CARD_MARKER } from './card.js';
import { checkRepoId, classifyError, type ErrorContext } from './classify.js';
import { loadDecoder, type Decode } from './decoder.js';
import { checkTokenShape, findToken, requireToken } from './token.js';
import { featuresFromSchema, type YamlFeature } from './features.js';
import { checkDataset, inspectDataset, type LocalDataset, type LocalFile } from './folder.js';
import { digestBytes } from './hash.js';
import { toParquetFiles } from './parquet.js';
import { commitPlan } from './commit.js';
import { planPush, type PlannedFile } from './plan.js';
import { checkNamespace, createDatasetRepo, createRevision, fetchRemoteText, readRemote, type HubTarget } from './remote.js';

import { DEFAULT_HUB_URL } from './defaults.js';

export { DEFAULT_HUB_URL };

export interface PushOptions {
  /** The tokenize output folder, or a .jsonl file (or a folder holding one) with its .report.json. */
  dir: string;
  /** `NAMESPACE/NAME` of the dataset repo. */
  repo: string;
  /** The token itself (the CLI never passes this; it reads HF_TOKEN or --token-file). */
  token?: string;
  tokenFile?: string;
  /** Where HF_TOKEN is read from (process.env by default). */
  env?: Record<string, string | undefined>;
  hubUrl?: string;
  /** Branch to commit to (created from main when missing). Default main. */
  revision?: string;
  /** Commit title. */
  message?: string;
  /** Create the repo private when it does not exist. */
  private?: boolean;
  /** Upload Parquet converted from the Arrow shards instead of the shards themselves. */
  parquet?: boolean;
  /** A dataset card of the user's own to merge with the generated one. */
  card?: string;
  license?: string;
  languages?: string[];
  tags?: string[];
  /** Print the plan, change nothing. */
  dryRun?: boolean;
  /** Upload through Xet (the Hub's default); set false for servers that only speak LFS. */
  useXet?: boolean;
  /** Where Parquet conversions are kept between an interrupted push and its retry. */
  workDir?: string;
  /** Token decoder for the sample row; default: the manifest's tokenizer when it is a local file. */
  decode?: Decode;
  fetch?: typeof fetch;
  /** Progress lines (default: stderr). Never receives the token. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface FileAction {
  path: string;
  size: number;
  sha256: string;
}

export interface PushResult {
  repo: string;
  revision: string;
  hubUrl: string;
  dryRun: boolean;
  /** The repo did not exist and was (or, in a dry run, would be) created. */
  createRepo: boolean;
  createBranch: boolean;
  upload: FileAction[];
  skip: FileAction[];
  delete: string[];
  /** The new commit; absent when nothing changed (or in a dry run). */
  commit?: { oid: string; url: string };
  /** The generated README.md. */
  card: string;
}

export async function pushDataset(opts: PushOptions): Promise<PushResult> {
  checkRepoId(opts.repo);
  const hubUrl = (opts.hubUrl ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
  const revision = opts.revision ?? 'main';
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const token = await resolveToken(opts);
  const ctx: ErrorContext = { repo: opts.repo, hubUrl, token, step: 'list' };
  const target: HubTarget = { repo: opts.repo, hubUrl, revision, token, fetch: opts.fetch };
  const workDir = opts.workDir ?? defaultWorkDir(opts.dir);
  try {
    // Offline checks first, then the token and namespace, and only then the hashing (seconds per GB).
    await checkDataset(opts.dir);
    if (token) {
      ctx.step = 'whoami';
      await checkNamespace({ ...target, token });
    }
    const ds = await inspectDataset(opts.dir);
    for (const w of ds.warnings) log(`warning: ${w}`);
    const { files, card } = await prepareFiles(ds, opts, workDir, log);
    ctx.step = 'list';
    const remote = await readRemote(target);
    const plan = planPush(files, remote.files);
    const result: PushResult = {
      repo: opts.repo,
      revision,
      hubUrl,
      dryRun: !!opts.dryRun,
      createRepo: !remote.repoExists,
      createBranch: remote.repoExists ? !remote.branchExists : revision !== 'main',
      upload: plan.upload.map(action),
      skip: plan.skip.map(action),
      delete: plan.delete,
      card,
    };
    if (!opts.card && plan.upload.some((f) => f.repoPath === 'README.md') && remote.files.has('README.md')) {
      // A missing branch starts from main: main's README is the one replaced.
      // Only for a note: a README that cannot be read does not stop the push.
      const current = await fetchRemoteText(target, 'README.md', remote.branchExists ? revision : 'main').catch(() => undefined);
      if (current !== undefined && !current.includes(CARD_MARKER)) {
        log('note: README.md on the Hub was not written by sftforge and is replaced by the generated card; pass --card FILE (e.g. a copy of it) to keep its text');
      }
    }
    if (opts.dryRun) {
      await rm(workDir, { recursive: true, force: true });
      return result;
    }
    const authed = { ...target, token: token! };
    if (!remote.repoExists) {
      ctx.step = 'create';
      await createDatasetRepo(authed, !!opts.private);
      log(`created dataset ${opts.repo}${opts.private ? ' (private)' : ''}`);
    }
    if (result.createBranch) {
      ctx.step = 'branch';
      await createRevision(authed);
      log(`created branch ${revision}`);
    }
    if (plan.upload.length === 0 && plan.delete.length === 0) {
      log(`${opts.repo}@${revision} is up to date: ${plan.skip.length} files unchanged, no commit made`);
    } else {
      ctx.step = 'upload';
      result.commit = await commitPlan(plan, authed, { message: opts.message, useXet: opts.useXet, signal: opts.signal }, log, ctx);
      log(`committed ${plan.upload.length} files${plan.delete.length ? `, deleted ${plan.delete.length}` : ''}: ${result.commit?.url ?? ''}`);
    }
    await rm(workDir, { recursive: true, force: true });
    return result;
  } catch (e) {
    throw classifyError(e, ctx);
  }
}

async function resolveToken(opts: PushOptions): Promise<string | undefined> {
  if (opts.token !== undefined) {
    checkTokenShape(opts.token, 'the token');
    return opts.token;
  }
  const src = { tokenFile: opts.tokenFile, env: opts.env };
  // A dry run reads public repos without a token; it still uses one when there is one.
  if (opts.dryRun) {
    const t = await findToken(src);
    if (t) checkTokenShape(t, opts.tokenFile ? `--token-file ${opts.tokenFile}` : 'HF_TOKEN');
    return t;
  }
  return requireToken(src);
}

function defaultWorkDir(dir: string): string {
  const key = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  return join(tmpdir(), `sftforge-push-${key}`);
}

async function prepareFiles(ds: LocalDataset, opts: PushOptions, workDir: string, log: (l: string) => void): Promise<{ files: PlannedFile[]; card: string }> {
  if (opts.parquet && ds.kind !== 'tokenized') throw new UsageError(`--parquet converts Arrow shards; ${ds.path} is JSONL, push it without --parquet`);
  if (opts.parquet && ds.dataFormat === 'parquet') log(`note: ${ds.path} already holds Parquet; it is pushed as it is`);
  const convert = opts.parquet === true && ds.dataFormat === 'arrow';
  const format = ds.dataFormat === 'jsonl' ? 'json' : convert ? 'parquet' : ds.dataFormat;
  const data: LocalFile[] = convert ? await toParquetFiles(ds.data, workDir) : ds.data;
  let features: YamlFeature[] | undefined;
  try {
    features = ds.head ? featuresFromSchema(ds.head.schema) : undefined;
  } catch (e) {
    log(`warning: ${(e as Error).message}; the card lists no features`);
  }
  let userCard: string | undefined;
  if (opts.card) {
    userCard = await readFile(opts.card, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`--card ${opts.card}: cannot read it (${e.code ?? e.message})`);
    });
  }
  const ext = { arrow: 'arrow', parquet: 'parquet', json: 'jsonl' }[format];
  const card = buildDatasetCard({
    repo: opts.repo,
    kind: ds.kind,
    format,
    manifest: ds.manifest,
    report: ds.report,
    stats: ds.stats,
    rows: ds.rows,
    files: data.length,
    downloadSize: data.reduce((s, f) => s + f.digest.size, 0),
    numBytes: ds.data.reduce((s, f) => s + f.digest.size, 0),
    dataFiles: ds.kind === 'jsonl' ? 'data/train.jsonl' : `data/train-*.${ext}`,
    jsonlForm: ds.jsonlForm,
    splits: ds.splits?.map((s) => ({ ...s, path: s.path.replace(/\.arrow$/, `.${ext}`) })),
    features,
    sample: ds.head?.row,
    decode: opts.decode ?? (await loadDecoder(ds.manifest?.tokenizer, ds.path)),
    license: opts.license,
    languages: opts.languages,
    tags: opts.tags,
    userCard,
    userCardPath: opts.card,
  });
  const cardBytes = new TextEncoder().encode(card);
  const files: PlannedFile[] = [
    ...data.map((f) => ({ repoPath: f.repoPath, localPath: f.localPath, digest: f.digest })),
    ...ds.meta.map((f) => ({ repoPath: f.repoPath, localPath: f.localPath, digest: f.digest })),
    { repoPath: 'README.md', content: cardBytes, digest: digestBytes(cardBytes) },
  ];
  return { files, card };
}

function action(f: PlannedFile): FileAction {
  return { path: f.repoPath, size: f.digest.size, sha256: f.digest.sha256 };
}

/** The plan as lines, for --dry-run and logs. */
export function describePlan(r: PushResult): string[] {
  const lines: string[] = [];
  const where = `${r.repo}@${r.revision} on ${r.hubUrl}`;
  lines.push(`${r.dryRun ? 'dry run: would push to' : 'pushed to'} ${where}`);
  if (r.createRepo) lines.push(`  create dataset repo ${r.repo}`);
  if (r.createBranch) lines.push(`  create branch ${r.revision}`);
  for (const f of r.upload) lines.push(`  upload  ${f.path}  ${f.size} bytes  sha256 ${f.sha256.slice(0, 12)}`);
  for (const f of r.skip) lines.push(`  skip    ${f.path}  (unchanged on the Hub)`);
  for (const p of r.delete) lines.push(`  delete  ${p}  (not in this push)`);
  if (!r.upload.length && !r.delete.length) lines.push('  nothing to upload: no commit');
  return lines;
}
