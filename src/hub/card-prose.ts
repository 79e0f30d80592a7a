/**
 * The dataset card's prose: how to load the data, how it was built, its statistics, what was
 * rejected and why, and one sample row. Everything comes from files the folder already holds;
 * nothing varies between runs (no dates), so an unchanged folder gives an unchanged card.
 */
import { fence, sampleMarkdown } from './card-sample.js';
import { fmtInt, fmtNum, statsRows } from './card-stats.js';
import type { YamlFeature } from './features.js';
import type { Manifest, RunReport } from './manifest.js';

export interface CardProseInput {
  repo: string;
  kind: 'tokenized' | 'jsonl';
  format: 'arrow' | 'parquet' | 'json';
  manifest?: Manifest;
  report?: RunReport;
  stats?: Record<string, unknown>;
  rows: number;
  files: number;
  downloadSize: number;
  features?: YamlFeature[];
  sample?: Record<string, unknown>;
  decode?: (ids: number[]) => string;
}

const COLUMN_DOCS: Record<string, string> = {
  id: 'id of the source conversation',
  input_ids: 'token ids of the rendered conversation',
  labels: 'training targets: the token id where the loss is computed, -100 elsewhere',
  loss_weights: 'per-token loss weight (0 for masked tokens, e.g. unwanted phrases)',
  position_ids: 'positions, restarting at 0 for each sequence packed in the row',
  seq_lengths: 'lengths of the sequences packed in the row (TRL reads it for padding-free training)',
  seq_lens: 'lengths of the sequences packed in the row',
  attention_mask: 'all ones (no padding is stored); packed rows are separated by position_ids / seq_lengths',
  assistant_masks: "1 where the token is trained (label ≠ -100), as transformers' return_assistant_tokens_mask",
  seq_ids: 'ids of the conversations packed in the row',
};

/** `level` is the heading level of the title; sections go one below it. */
export function buildProse(p: CardProseInput, level = 1): string {
  const h = (n: number) => '#'.repeat(Math.min(6, level + n));
  const out: string[] = [];
  const name = p.repo.split('/').pop() ?? p.repo;
  if (level === 1) out.push(`${h(0)} ${name}`, '');
  out.push(intro(p), '', fence(`from datasets import load_dataset\n\nds = load_dataset("${p.repo}", split="train")`, 'python'));
  if (p.features?.length) {
    out.push('', `${h(1)} Columns`, '');
    for (const f of p.features) out.push(`- \`${f.name}\`${COLUMN_DOCS[f.name] ? `: ${COLUMN_DOCS[f.name]}` : ''}`);
  }
  out.push('', `${h(1)} How it was built`, '', table(['setting', 'value'], buildRows(p)));
  const stats = statsRows(p.stats);
  if (stats.length) out.push('', `${h(1)} Statistics`, '', table(['statistic', 'value', 'reference'], stats));
  out.push('', `${h(1)} Rejected records`, '', rejectsMarkdown(p.report));
  const sample = p.sample && sampleMarkdown(p.sample, p.decode);
  if (sample) out.push('', `${h(1)} Sample row`, '', sample);
  return out.join('\n') + '\n';
}

function intro(p: CardProseInput): string {
  const what =
    p.kind === 'tokenized'
      ? `Tokenized supervised fine-tuning data (${fmtInt(p.rows)} rows in ${p.files} ${p.format === 'parquet' ? 'Parquet' : 'Arrow'} file${p.files === 1 ? '' : 's'})`
      : `Chat conversations for supervised fine-tuning (${fmtInt(p.rows)} records, JSON lines)`;
  return `${what}, built with sftforge. Load it with:`;
}

function buildRows(p: CardProseInput): string[][] {
  const m = p.manifest;
  // Fields newer manifests carry; read as they come (the schema only pins what the push needs).
  const extra = (k: string): unknown => (m as Record<string, unknown> | undefined)?.[k];
  const sha = extra('tokenizer_sha256');
  const rows: [string, unknown][] = [
    ['sftforge version', m?.sftforge_version],
    ['pipeline file', m?.pipeline ? `\`${m.pipeline}\`` : undefined],
    ['stage', p.kind === 'jsonl' ? p.report?.stage : undefined],
    ['chat template', m?.template],
    ['tokenizer', m?.tokenizer],
    ['tokenizer sha256', typeof sha === 'string' ? `\`${sha.slice(0, 16)}\`` : undefined],
    ['vocabulary size', extra('vocab_size')],
    ['tokenization', extra('tokenize')],
    ['max length (tokens)', m?.max_len],
    ['chunking', m?.chunk],
    ['packing', m?.pack],
    ['loss weights column', extra('loss_weights')],
    ['output format', extra('format')],
    ['added tokens', m?.added_tokens?.length ? m.added_tokens.map((t) => `\`${tokenText(t)}\``).join(' ') : undefined],
    ['records in', p.report?.records_in],
    ['records out', p.report?.records_out],
    ['rows', p.rows],
    ['data files', p.files],
    ['download size', fmtBytes(p.downloadSize)],
  ];
  return rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, show(v)]);
}

function rejectsMarkdown(report?: RunReport): string {
  const rejects = Object.entries(report?.rejects ?? {}).filter(([, n]) => n > 0);
  const parts: string[] = [];
  if (!report) parts.push('The folder holds no run report.');
  else if (!rejects.length) parts.push('No record was rejected.');
  else {
    rejects.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const total = rejects.reduce((s, [, n]) => s + n, 0);
    parts.push(table(['reason', 'records'], [...rejects.map(([k, n]) => [`\`${k}\``, fmtInt(n)]), ['**total**', fmtInt(total)]]));
  }
  const repairs = Object.entries(report?.repairs ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0].localeCompare(b[0]));
  if (repairs.length)
    parts.push(
      '',
      'Repairs made on records that were kept:',
      '',
      table(
        ['repair', 'records'],
        repairs.map(([k, n]) => [`\`${k}\``, fmtInt(n)]),
      ),
    );
  return parts.join('\n');
}

export function table(head: string[], rows: string[][]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const hasRef = head.length === 3 && rows.some((r) => r[2]);
  const cols = hasRef || head.length !== 3 ? head.length : 2;
  const line = (r: string[]) => `| ${r.slice(0, cols).map(cell).join(' | ')} |`;
  return [line(head), `|${' --- |'.repeat(cols)}`, ...rows.map(line)].join('\n');
}

/** An added token as the manifest records it: a string, or `{content, id, appended}`. */
function tokenText(t: unknown): string {
  if (typeof t === 'string') return t;
  const c = (t as { content?: unknown } | null)?.content;
  return typeof c === 'string' ? c : JSON.stringify(t);
}

function show(v: unknown): string {
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return `\`${JSON.stringify(v)}\``;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}
