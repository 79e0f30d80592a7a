/**
 * `sftforge inspect DIR`: one row of a tokenized folder rendered back to text, trained tokens
 * highlighted, with a verdict on its mask and counts. What can be checked from a row alone:
 * labels are -100 or the token itself; each trained run ends with one of the template's special
 * tokens (the end-of-turn marker), except a run cut by max-len; packed rows' position_ids restart
 * at every sequence and add up to seq_lens.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { UsageError } from '../core/errors.js';
import { IGNORE_INDEX } from './mask.js';
import { TableDecoder } from './tokenizer/decode-table.js';
import { loadTokenizer } from './tokenizer/index.js';
import type { HubOptions } from './tokenizer/hub.js';
import type { TokenizedManifest } from './writers/manifest.js';

export interface InspectSpan {
  text: string;
  trained: boolean;
  /** Index in seq_lens for packed rows. */
  seq?: number;
}

export interface InspectResult {
  dir: string;
  row: number;
  rows: number;
  id: string;
  tokens: number;
  trained_tokens: number;
  spans: InspectSpan[];
  verdict: { ok: boolean; problems: string[]; notes: string[] };
  seq_lens?: number[];
  seq_ids?: string[];
}

interface RawRow {
  id: string;
  input_ids: Int32Array;
  labels: Int32Array;
  position_ids?: Int32Array;
  seq_lens?: Int32Array;
  seq_ids?: string[];
}

export async function readManifest(dir: string): Promise<TokenizedManifest> {
  const p = join(dir, 'sftforge.json');
  if (!existsSync(p)) throw new UsageError(`${dir}: no sftforge.json here`, 'point inspect at a folder written by sftforge tokenize');
  return JSON.parse(await readFile(p, 'utf8')) as TokenizedManifest;
}

/** Streams through the shards to row `n`; only the batch holding it is materialised. */
export async function readRow(dir: string, m: TokenizedManifest, n: number): Promise<RawRow> {
  let base = 0;
  for (const s of m.shards) {
    if (n >= base + s.rows) {
      base += s.rows;
      continue;
    }
    const stream = createReadStream(join(dir, s.file));
    try {
      const reader = await RecordBatchReader.from(stream);
      for await (const batch of reader) {
        if (n >= base + batch.numRows) {
          base += batch.numRows;
          continue;
        }
        const i = n - base;
        const list = (name: string) => {
          const v = batch.getChild(name)?.get(i) as { toArray(): Int32Array } | null | undefined;
          return v ? Int32Array.from(v.toArray()) : undefined;
        };
        const seqIds = batch.getChild('seq_ids')?.get(i) as { toArray(): string[] } | null | undefined;
        return {
          id: String(batch.getChild('id')?.get(i)),
          input_ids: list('input_ids')!,
          labels: list('labels')!,
          position_ids: list('position_ids'),
          seq_lens: list('seq_lengths') ?? list('seq_lens'),
          seq_ids: seqIds ? Array.from(seqIds.toArray()) : undefined,
        };
      }
    } finally {
      stream.destroy();
    }
  }
  throw new UsageError(`--row ${n}: the dataset has ${m.rows} rows (0 to ${m.rows - 1})`);
}

export interface InspectOptions {
  /** Tokenizer to decode with, when the one recorded in sftforge.json is not reachable from here. */
  tokenizer?: string;
  /** Hub options for a repo-id tokenizer (`offline: true`: the cache only, never the network). */
  hub?: HubOptions;
}

export async function inspectRow(dir: string, n = 0, o: InspectOptions = {}): Promise<InspectResult> {
  const m = await readManifest(dir);
  if (m.format && m.format !== 'hf') throw new UsageError(`${dir}: inspect reads the hf layout; this folder is ${m.format}`);
  const row = await readRow(dir, m, n);
  // Registering the recorded added tokens in order reproduces their ids.
  const tok = await loadTokenizer(o.tokenizer ?? m.tokenizer, { templateSpecials: m.added_tokens.map((t) => t.content), hub: o.hub });
  const tokNote = tok.sha256 === m.tokenizer_sha256 ? [] : [`tokenizer.json differs from the one used to write ${dir} (sha256 ${m.tokenizer_sha256.slice(0, 12)}…)`];
  const table = TableDecoder.fromJson(tok.spec.full);
  const specialIds = new Set([...tok.spec.specials.values()].map((t) => t.id));
  const seqOf = seqIndex(row);
  const spans: InspectSpan[] = [];
  const dec = new TextDecoder('utf-8');
  let i = 0;
  while (i < row.input_ids.length) {
    const trained = row.labels[i] !== IGNORE_INDEX;
    let j = i + 1;
    while (j < row.input_ids.length && (row.labels[j] !== IGNORE_INDEX) === trained && seqOf(j) === seqOf(i)) j++;
    const ids = row.input_ids.subarray(i, j);
    let text: string;
    if (table && ids.every((id) => table.bytesOf(id))) {
      const parts = Array.from(ids, (id) => table.bytesOf(id)!);
      const buf = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
      let at = 0;
      for (const p of parts) {
        buf.set(p, at);
        at += p.length;
      }
      text = dec.decode(buf, { stream: true });
    } else text = (await tok.backend.decodeBatch([Array.from(ids)]))[0]!;
    spans.push({ text, trained, ...(row.seq_lens ? { seq: seqOf(i) } : {}) });
    i = j;
  }
  const problems: string[] = [];
  const notes: string[] = [...tokNote];
  let trainedCount = 0;
  row.labels.forEach((l, k) => {
    if (l === IGNORE_INDEX) return;
    trainedCount++;
    if (l !== row.input_ids[k]) problems.push(`token ${k}: label ${l} is neither -100 nor the token ${row.input_ids[k]}`);
  });
  if (trainedCount === 0) problems.push('no trained token');
  for (let k = 0; k < row.labels.length; k++) {
    const endsRun = row.labels[k] !== IGNORE_INDEX && (k + 1 === row.labels.length || row.labels[k + 1] === IGNORE_INDEX || seqOf(k + 1) !== seqOf(k));
    if (endsRun && !specialIds.has(row.input_ids[k]!)) {
      const lastOfSeq = k + 1 === row.labels.length || seqOf(k + 1) !== seqOf(k);
      if (lastOfSeq) notes.push(`sequence ${seqOf(k)} ends inside a reply (cut at --max-len ${m.max_len})`);
      else problems.push(`token ${k}: a trained run ends without an end-of-turn token`);
    }
  }
  if (row.seq_lens) checkPacking(row, problems);
  return {
    dir,
    row: n,
    rows: m.rows,
    id: row.id,
    tokens: row.input_ids.length,
    trained_tokens: trainedCount,
    spans,
    verdict: { ok: problems.length === 0, problems: problems.slice(0, 20), notes },
    ...(row.seq_lens ? { seq_lens: Array.from(row.seq_lens), seq_ids: row.seq_ids } : {}),
  };
}

function seqIndex(row: RawRow): (k: number) => number {
  if (!row.seq_lens) return () => 0;
  const ends: number[] = [];
  let acc = 0;
  for (const l of row.seq_lens) ends.push((acc += l));
  return (k) => {
    let s = 0;
    while (s < ends.length - 1 && k >= ends[s]!) s++;
    return s;
  };
}

function checkPacking(row: RawRow, problems: string[]): void {
  const total = Array.from(row.seq_lens!).reduce((a, b) => a + b, 0);
  if (total !== row.input_ids.length) problems.push(`seq_lens add up to ${total}, the row has ${row.input_ids.length} tokens`);
  let at = 0;
  for (const len of row.seq_lens!) {
    for (let p = 0; p < len; p++) {
      if (row.position_ids && row.position_ids[at + p] !== p) {
        problems.push(`position_ids[${at + p}] is ${row.position_ids[at + p]}, expected ${p}`);
        return;
      }
    }
    at += len;
  }
}

/** Text for a terminal: trained tokens green, the rest dim, when colour is on. */
export function formatInspect(r: InspectResult, colour: boolean): string {
  const g = (s: string) => (colour ? `\x1b[32m${s}\x1b[0m` : `[[${s}]]`);
  const d = (s: string) => (colour ? `\x1b[2m${s}\x1b[0m` : s);
  const body = r.spans.map((s) => (s.trained ? g(s.text) : d(s.text))).join('');
  const lines = [
    `row ${r.row} of ${r.rows}: ${r.id}`,
    `tokens ${r.tokens}, trained ${r.trained_tokens} (${r.tokens ? ((100 * r.trained_tokens) / r.tokens).toFixed(1) : 0}%)${r.seq_lens ? `, ${r.seq_lens.length} packed sequences` : ''}`,
    `mask: ${r.verdict.ok ? 'ok' : 'PROBLEMS'}${colour ? '' : ' (trained text in [[ ]])'}`,
    ...r.verdict.problems.map((p) => `  problem: ${p}`),
    ...r.verdict.notes.map((p) => `  note: ${p}`),
    '',
    body,
  ];
  return lines.join('\n');
}
