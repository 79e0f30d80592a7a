/**
 * The report sections issue #12 added: rejects by reason per input (from the inputs' run reports
 * and this run's reader), the trained share of tokens, and sample rows with trained spans marked.
 * Every string from the data goes through `esc`; no section fetches anything.
 */
import { basename } from 'node:path';
import { SAMPLE_MAX_CHARS } from './samples.js';
import type { QuarantineSummary, SampleRow, StatsResult, TokenizedStats } from './types.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** The reject rows of the report: each input's run report, then this run's reader when it rejected any. */
export function rejectRows(r: StatsResult): QuarantineSummary[] {
  const rows = [...r.quarantine];
  const read = Object.values(r.population.rejected).reduce((a, b) => a + b, 0);
  if (read > 0) {
    rows.push({
      input: '(read by this stats run)',
      report: null,
      stage: 'stats',
      records_in: r.population.dialogues + read,
      records_out: r.population.dialogues,
      rejects: { ...r.population.rejected },
      rejected: read,
    });
  }
  return rows;
}

/** A path short enough for a column head: its base name (the full path is in the title). */
export function shortInput(input: string): string {
  const b = basename(input.replace(/[\\/]+$/, '')) || input;
  return b.length > 40 ? b.slice(0, 39) + '…' : b;
}

const n = (x: number | null) => (x === null ? '<span class="note">—</span>' : String(x));

export function rejectsSection(r: StatsResult, canvases: string): string {
  const rows = rejectRows(r);
  if (rows.length === 0) return '';
  const summary = rows
    .map(
      (q, i) =>
        `<tr data-input="${i}"><th title="${esc(q.input)}"><code>${esc(q.input)}</code></th><td>${q.report ? `<code>${esc(basename(q.report))}</code>` : '<span class="note">no report</span>'}</td><td>${esc(q.stage ?? '')}</td><td>${n(q.records_in)}</td><td>${n(q.records_out)}</td><td class="rejected">${q.rejected}</td></tr>`,
    )
    .join('');
  const reasons = [...new Set(rows.flatMap((q) => Object.keys(q.rejects)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const byReason = reasons.length
    ? `<table class="rejects-by-reason"><tr><th>reason</th>${rows.map((q) => `<th title="${esc(q.input)}">${esc(shortInput(q.input))}</th>`).join('')}<th>total</th></tr>${reasons
        .map((reason) => {
          const cells = rows.map((q, i) => `<td data-input="${i}" data-reason="${esc(reason)}">${q.rejects[reason] ?? ''}</td>`).join('');
          const total = rows.reduce((a, q) => a + (q.rejects[reason] ?? 0), 0);
          return `<tr><th><code>${esc(reason)}</code></th>${cells}<td>${total}</td></tr>`;
        })
        .join('')}</table>`
    : '<p class="note">No record was rejected on the way to these inputs.</p>';
  return `<section id="rejects"><h2>Rejects by reason</h2>
<p class="note">From the run that wrote each input: <code>X.report.json</code> beside a JSON/JSONL file, the <code>report</code> of a tokenized folder's <code>sftforge.json</code>. For a JSONL, records in = records out + rejected; a tokenized folder can hold more rows than conversations in (a conversation longer than max_len is split into several rows). Reason codes are the ones in the quarantine files (<code>X.rejects.jsonl</code>).</p>
<table class="rejects-summary"><tr><th>input</th><th>report</th><th>stage</th><th>records in</th><th>records out</th><th>rejected</th></tr>${summary}</table>
${byReason}${canvases ? `<div class="grid">${canvases}</div>` : ''}</section>`;
}

export function trainedShareHeadline(k: TokenizedStats): string {
  return `<p class="headline trained-share">Trained share of tokens: <b>${pct(k.share_trained)}</b> <span class="note">(${k.trained_tokens_total} of ${k.tokens_total} tokens have labels ≠ -100, over n=${k.measured_rows} rows; per row: mean ${pct(k.share_trained_per_row.mean)}, p50 ${pct(k.share_trained_per_row.p50)}, min ${pct(k.share_trained_per_row.min)}, max ${pct(k.share_trained_per_row.max)})</span></p>`;
}

function sampleHtml(s: SampleRow): string {
  let seq: number | undefined;
  const body = s.spans
    .map((p) => {
      // Packed rows: a thin rule where the next packed sequence starts.
      const rule = p.seq !== undefined && seq !== undefined && p.seq !== seq ? '<span class="seq-break" aria-hidden="true"></span>' : '';
      seq = p.seq;
      return rule + (p.trained ? `<mark class="trained">${esc(p.text)}</mark>` : `<span class="context">${esc(p.text)}</span>`);
    })
    .join('');
  const cut = s.truncated ? `<span class="cut"> … (cut after ${SAMPLE_MAX_CHARS} characters)</span>` : '';
  const share = s.tokens ? ` (${pct(s.trained_tokens / s.tokens)})` : '';
  return `<div class="sample" data-row="${s.row}"><div class="note">row ${s.row}, id <code>${esc(s.id)}</code>: ${s.tokens} tokens, ${s.trained_tokens} trained${share}</div><pre class="sample-text">${body}${cut}</pre></div>`;
}

export function samplesHtml(k: TokenizedStats, seed: number): string {
  const note = k.samples_note ? `<p class="note samples-note">${esc(k.samples_note)}</p>` : '';
  if (k.samples.length === 0) return note ? `<h3>Sample rows</h3>${note}` : '';
  return `<h3>Sample rows</h3><p class="note">${k.samples.length} of ${k.rows} rows, picked with seed ${seed}, decoded with the tokenizer named in <code>sftforge.json</code>; <mark class="trained">trained tokens</mark> (labels ≠ -100) highlighted, the rest is context the loss ignores.</p>${note}${k.samples.map(sampleHtml).join('')}`;
}

export const SECTIONS_CSS = `mark.trained{background:#cdeccf;color:#0b3d12;border-radius:2px}.context{color:#52606d}
.sample{margin:8px 0 14px}.sample-text{white-space:pre-wrap;word-break:break-word;background:#f8fafc;border:1px solid #e4e7eb;padding:8px;margin:4px 0;max-height:420px;overflow:auto;font:12px/1.45 ui-monospace,monospace}
.seq-break{display:block;border-top:1px dashed #9aa5b1;margin:4px 0}.cut{color:#9aa5b1}`;
