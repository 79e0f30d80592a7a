/**
 * One rank of a sharded `tokenize`: formats the input records whose ordinal ≡ I (mod N)
 * (tokenizing costs the same per record whatever its content, so round robin balances the ranks)
 * and writes them as a plain HF dataset folder beside the output, unpacked and with
 * loss_weights, plus `*.rows.bin`: one little-endian int32 per record it formatted, in order,
 * its row count (-1: quarantined). That is all `merge` needs to put every row back in global
 * input order, pack globally (--pack) and write the requested format: the merged folder is the
 * one a single process writes.
 */
import { readFile } from 'node:fs/promises';
import type { ReportJson } from '../core/report.js';
import { AtomicWriter } from '../io/atomic.js';
import { runTokenize, type TokenizeOptions } from '../format/run-tokenize.js';
import { completedRank, describeFiles, digestJson, inputsIdentity, markerPath, partPath, skipMessage, writeMarker } from './shard-files.js';
import { describeShard, type ShardSpec } from './shard.js';

/** What merge needs to finish a tokenize job. */
export interface TokenizeJob {
  format: 'hf' | 'parquet-openchat';
  pack: boolean;
  lossWeights: boolean;
  maxLen: number;
  template: string;
  shardSize?: number;
}

export interface TokenizeRankPaths {
  dir: string;
  rejects: string;
  report: string;
  rows: string;
  marker: string;
}

export function tokenizeRankPaths(o: Pick<TokenizeOptions, 'output' | 'rejects' | 'report'>, s: ShardSpec): TokenizeRankPaths {
  const dir = partPath(o.output, s);
  return {
    dir,
    rejects: o.rejects ? partPath(o.rejects, s) : `${dir}.rejects.jsonl`,
    report: o.report ? partPath(o.report, s) : `${dir}.report.json`,
    rows: `${dir}.rows.bin`,
    marker: markerPath(o.output, s),
  };
}

async function tokenizeFingerprint(o: TokenizeOptions): Promise<string> {
  const { inputs, output: _o, rejects: _r, report: _p, workers: _w, quiet: _q, signal: _s, backend: _b, hub, select: _x, onItem: _i, batchSize: _z, ...rest } = o;
  return digestJson({ stage: 'tokenize', inputs: await inputsIdentity(inputs), revision: hub?.revision ?? null, options: rest });
}

/** Int32 values appended to a file, buffered. */
class Int32Writer {
  private readonly w: AtomicWriter;
  private buf = new Int32Array(1 << 14);
  private n = 0;
  constructor(path: string) {
    this.w = new AtomicWriter(path);
  }
  async open(): Promise<this> {
    await this.w.open();
    return this;
  }
  async write(v: number): Promise<void> {
    this.buf[this.n++] = v;
    if (this.n === this.buf.length) await this.flush();
  }
  private async flush(): Promise<void> {
    if (this.n === 0) return;
    await this.w.write(new Uint8Array(this.buf.buffer.slice(0, this.n * 4)));
    this.n = 0;
  }
  async commit(): Promise<void> {
    await this.flush();
    await this.w.commit();
  }
  abort(): Promise<void> {
    return this.w.abort();
  }
}

export async function runTokenizeRank(o: TokenizeOptions, shard: ShardSpec): Promise<ReportJson> {
  const p = tokenizeRankPaths(o, shard);
  const fingerprint = await tokenizeFingerprint(o);
  if (await completedRank(p.marker, fingerprint, 'tokenize', shard)) {
    process.stderr.write(skipMessage('tokenize', shard, p.marker));
    return JSON.parse(await readFile(p.report, 'utf8')) as ReportJson;
  }
  const job: TokenizeJob = { format: o.format ?? 'hf', pack: o.pack === true, lossWeights: o.lossWeights === true, maxLen: o.maxLen ?? 2048, template: o.template, shardSize: o.shardSize };
  const rows = await new Int32Writer(p.rows).open();
  let result;
  try {
    result = await runTokenize({
      ...o,
      output: p.dir,
      rejects: p.rejects,
      report: p.report,
      // The part is an intermediate: merge packs and writes the requested format.
      format: 'hf',
      pack: false,
      lossWeights: true,
      select: (k) => k % shard.count === shard.index,
      onItem: (n) => rows.write(n),
    });
    await rows.commit();
  } catch (e) {
    await rows.abort();
    throw e;
  }
  const files = [
    { role: 'part', path: p.dir },
    { role: 'rejects', path: p.rejects },
    { role: 'report', path: p.report },
    { role: 'rows', path: p.rows },
  ];
  await writeMarker(p.marker, { sftforge_rank: 1, stage: 'tokenize', output: o.output, index: shard.index, count: shard.count, fingerprint, files: await describeFiles(files, p.marker), job: { ...job } });
  if (!o.quiet) process.stderr.write(`tokenize: ${describeShard(shard)} done; run \`sftforge merge ${o.output}\` once every rank is\n`);
  return result.report;
}
