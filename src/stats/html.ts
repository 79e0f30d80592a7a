/**
 * The HTML report: one self-contained file. Chart.js 4 (MIT) is inlined from node_modules and a
 * Content-Security-Policy forbids any fetch, so the report opens offline and cannot phone home.
 * Chart.js was picked over ECharts (~1 MB), Vega-Lite (vega + vega-lite + embed, ~800 KB) and
 * uPlot (smallest, but time-series oriented: no category bars): ~200 KB, canvas, category bars.
 * The page sets `window.__statsReport = {charts, errors}` once every chart is drawn (tests wait on it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Histogram, StatsResult } from './types.js';
import { fmt, sampleNote, summaryRows, tokenizedRows, type SummaryRow } from './table.js';
import { esc, rejectRows, rejectsSection, samplesHtml, SECTIONS_CSS, shortInput, trainedShareHeadline } from './html-sections.js';

/** One chart as the page script draws it: the spec is data, the page script is generic. */
export interface ChartSpec {
  id: string;
  title: string;
  kind: 'hist' | 'bars' | 'hbars';
  labels: string[];
  values: number[];
  /** Per-bar colour (bars), or one colour for all. */
  colors: string[] | string;
  yTitle: string;
  /** The section whose chart grid holds the canvas (`rejects`, `tokenized-I`); absent: the grid at the top. */
  place?: string;
}

const BLUE = '#3b6fb6';
const ORANGE = '#e07b2a';
const GREY = '#9aa5b1';
const RED = '#c0392b';

let chartJsCache: string | undefined;

/** Chart.js's UMD bundle, read once from the installed package. */
export function chartJsSource(): string {
  if (chartJsCache === undefined) {
    const entry = createRequire(import.meta.url).resolve('chart.js');
    chartJsCache = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
  }
  return chartJsCache;
}

function binLabels(h: Histogram): string[] {
  return h.counts.map((_, i) => {
    if (h.overflow && i === h.counts.length - 1) return `≥${fmt(h.edges[i]!)}`;
    if (h.integer) return String(h.edges[i]);
    return `${fmt(h.edges[i]!)}–${fmt(h.edges[i + 1]!)}`;
  });
}

function histSpec(id: string, title: string, h: Histogram | undefined, color: string, yTitle: string): ChartSpec | undefined {
  if (!h || h.counts.length === 0) return undefined;
  return { id, title, kind: 'hist', labels: binLabels(h), values: h.counts, colors: color, yTitle };
}

/** Every chart of the report, in page order. */
export function chartSpecs(r: StatsResult): ChartSpec[] {
  const specs: (ChartSpec | undefined)[] = [];
  const t = r.text;
  if (t) {
    const rows = r.reference.map((x) => ({ label: `${x.dataset} (paper)`, v: x.mtld, c: x.dataset === 'UltraChat' ? GREY : '#c5ccd4' }));
    rows.push({ label: `this data (n=${t.mtld.all.count} utt.)`, v: t.mtld.all.mean, c: ORANGE });
    specs.push({
      id: 'mtld-vs-paper',
      title: 'MTLD per utterance vs UltraChat paper, Table 4',
      kind: 'hbars',
      labels: rows.map((x) => x.label),
      values: rows.map((x) => round(x.v)),
      colors: rows.map((x) => x.c),
      yTitle: 'MTLD',
    });
    specs.push(histSpec('turns', `Turns per dialogue (n=${t.turns_per_dialogue.count})`, t.turns_per_dialogue.hist, BLUE, 'dialogues'));
    specs.push(histSpec('words-user', `Words per user utterance (n=${t.words_per_utterance.user.count})`, t.words_per_utterance.user.hist, BLUE, 'utterances'));
    specs.push(histSpec('words-assistant', `Words per assistant utterance (n=${t.words_per_utterance.assistant.count})`, t.words_per_utterance.assistant.hist, BLUE, 'utterances'));
    specs.push(histSpec('mtld', `MTLD per utterance (n=${t.mtld.all.count})`, t.mtld.all.hist, ORANGE, 'utterances'));
    for (const [key, groups] of Object.entries(r.groups)) {
      specs.push({
        id: `group-${key}`,
        title: `MTLD per utterance by ${key}`,
        kind: 'bars',
        labels: groups.map((g) => `${shortKey(key, g.key)} (n=${g.stats.mtld.all.count})`),
        values: groups.map((g) => round(g.stats.mtld.all.mean)),
        colors: BLUE,
        yTitle: 'MTLD',
      });
    }
  }
  r.tokenized.forEach((k, i) => {
    const place = { place: `tokenized-${i}` };
    const tokens = histSpec(`tokens-${i}`, `Tokens per row, ${k.path} (n=${k.measured_rows})`, k.tokens_per_row.hist, BLUE, 'rows');
    specs.push(tokens && { ...tokens, ...place });
    const h = k.share_trained_hist;
    const labels = h.counts.map((_, j) => `${Math.round(100 * h.edges[j]!)}–${Math.round(100 * h.edges[j + 1]!)}%`);
    if (k.measured_rows > 0)
      specs.push({
        id: `trained-share-${i}`,
        title: `Trained share of tokens per row, ${k.path} (n=${k.measured_rows}; overall ${(100 * k.share_trained).toFixed(1)}%)`,
        kind: 'hist',
        labels,
        values: [...h.counts],
        colors: ORANGE,
        yTitle: 'rows',
        ...place,
      });
  });
  rejectRows(r).forEach((q, i) => {
    const reasons = Object.entries(q.rejects).filter(([, v]) => v > 0);
    if (reasons.length === 0) return;
    const of = q.records_in !== null ? ` of ${q.records_in} records` : '';
    specs.push({
      id: `rejects-${i}`,
      title: `Rejects by reason, ${shortInput(q.input)} (n=${q.rejected}${of})`,
      kind: 'hbars',
      labels: reasons.map(([k]) => k),
      values: reasons.map(([, v]) => v),
      colors: RED,
      yTitle: 'records rejected',
      place: 'rejects',
    });
  });
  return specs.filter((s): s is ChartSpec => s !== undefined);
}

/** A group name short enough for an axis: a source file by its base name, others cut at 40 chars. */
function shortKey(key: string, name: string): string {
  const s = key === 'source' ? basename(name) : name;
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function distTableHtml(rows: SummaryRow[]): string {
  const head = '<tr><th></th><th>n</th><th>mean</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>';
  const body = rows.map((r) => `<tr><th>${esc(r.label)}</th><td>${r.n}</td>${[r.d.mean, r.d.min, r.d.p50, r.d.p90, r.d.p99, r.d.max].map((x) => `<td>${fmt(x)}</td>`).join('')}</tr>`);
  return `<table>${head}${body.join('')}</table>`;
}

function textSection(r: StatsResult): string {
  const t = r.text;
  if (!t) return '';
  const dist = (name: string, d: typeof t.distinct_1) => `<tr><th>${name}</th><td>${fmt(d.ratio)}</td><td>${d.unique} unique of ${d.total} ${d.exact ? '' : '(HyperLogLog estimate)'}</td></tr>`;
  const groups = Object.entries(r.groups)
    .map(
      ([key, gs]) =>
        `<h3>By ${esc(key)}</h3><table><tr><th>${esc(key)}</th><th>dialogues</th><th>MTLD (n utt.)</th><th>distinct-1</th><th>distinct-2</th><th>gzip ratio</th></tr>${gs
          .map(
            (g) =>
              `<tr><th>${esc(g.key)}</th><td>${g.stats.dialogues}</td><td>${fmt(g.stats.mtld.all.mean)} (${g.stats.mtld.all.count})</td><td>${fmt(g.stats.distinct_1.ratio)}</td><td>${fmt(g.stats.distinct_2.ratio)}</td><td>${fmt(g.stats.gzip.ratio)}</td></tr>`,
          )
          .join('')}</table>`,
    )
    .join('');
  return `<section><h2>Dialogues</h2><p class="note">${esc(sampleNote(r))}</p>
<p class="headline">MTLD per utterance: <b>${fmt(t.mtld.all.mean)}</b> <span class="note">(n=${t.mtld.all.count} utterances; UltraChat reports 74.3, the best earlier dataset 67.1)</span></p>
${distTableHtml(summaryRows(t))}
<table>${dist('distinct-1', t.distinct_1)}${dist('distinct-2', t.distinct_2)}<tr><th>gzip ratio</th><td>${fmt(t.gzip.ratio)}</td><td>${t.gzip.raw_bytes} bytes → ${t.gzip.gzip_bytes} (n=${t.dialogues} dialogues)</td></tr></table>
${groups}</section>`;
}

function tokenizedSection(r: StatsResult, canvases: (place: string) => string): string {
  return r.tokenized
    .map((k, i) => {
      const grid = canvases(`tokenized-${i}`);
      return `<section id="tokenized-${i}"><h2>Tokenized: ${esc(k.path)}</h2>${trainedShareHeadline(k)}<p class="note">${k.measured_rows} rows measured of ${k.rows}; ${k.tokens_total} tokens, ${(100 * k.share_trained).toFixed(1)}% trained; rows split ${k.rows_split ?? 'unknown'}, truncated ${k.rows_truncated ?? 'unknown'}</p>${distTableHtml(tokenizedRows(k))}${grid ? `<div class="grid">${grid}</div>` : ''}${samplesHtml(k, r.options.seed ?? 0)}</section>`;
    })
    .join('');
}

/** Draws every spec; reports completion and any error on window.__statsReport. */
const PAGE_SCRIPT = `(function(){
var state={charts:0,errors:[]};window.__statsReport=state;
window.addEventListener('error',function(e){state.errors.push(String(e.message));});
try{
var specs=JSON.parse(document.getElementById('chart-specs').textContent);
specs.forEach(function(s){
var h=s.kind==='hbars';
new Chart(document.getElementById(s.id),{type:'bar',data:{labels:s.labels,datasets:[{label:s.yTitle,data:s.values,backgroundColor:s.colors,categoryPercentage:s.kind==='hist'?1:0.8,barPercentage:s.kind==='hist'?0.95:0.8}]},
options:{animation:false,responsive:true,maintainAspectRatio:false,indexAxis:h?'y':'x',
plugins:{legend:{display:false},title:{display:true,text:s.title}},
scales:h?{x:{beginAtZero:true,title:{display:true,text:s.yTitle}}}:{y:{beginAtZero:true,title:{display:true,text:s.yTitle}},x:{ticks:{maxRotation:60,autoSkip:true}}}}});
state.charts++;});
}catch(e){state.errors.push(String(e&&e.message||e));}
state.done=true;})();`;

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1f2933;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d9e2ec}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{padding:2px 8px;text-align:right;border-bottom:1px solid #eef2f6}th:first-child{text-align:left;font-weight:500}
.note{color:#52606d}.headline{font-size:16px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
.chart{position:relative;height:280px}.chart.tall{height:340px}
${SECTIONS_CSS}`;

/** The whole report as one HTML string (deterministic: same result, same bytes). */
export function renderHtmlReport(result: StatsResult): string {
  const specs = chartSpecs(result);
  const canvasesAt = (place: string | undefined) =>
    specs
      .filter((s) => s.place === place)
      .map((s) => `<div class="chart${s.kind === 'hbars' ? ' tall' : ''}"><canvas id="${esc(s.id)}" role="img" aria-label="${esc(s.title)}"></canvas></div>`)
      .join('\n');
  // JSON inside <script>: escape "<" so no string in the data can close the element.
  const data = JSON.stringify(specs).replace(/</g, '\\u003c');
  const inputs = result.inputs.map((i) => `<code>${esc(i)}</code>`).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>sftforge stats</title><style>${CSS}</style></head><body>
<h1>Dataset statistics</h1><p class="note">Inputs: ${inputs}. MTLD is LexicalRichness 0.5.1's (threshold ${result.options.mtld_threshold}), averaged per utterance as in the UltraChat paper.</p>
<div class="grid">${canvasesAt(undefined)}</div>
${textSection(result)}${rejectsSection(result, canvasesAt('rejects'))}${tokenizedSection(result, canvasesAt)}
<section><h2>How these figures are made</h2><p class="note">Quantiles are nearest-rank over log-bucket histograms (exact for integers below 185, else within 0.54%); count, mean, min and max are exact. distinct-n counts unique n-grams of LexicalRichness tokens by 64-bit hash, exactly up to a cap and by HyperLogLog beyond it (marked). gzip ratio is raw UTF-8 bytes over zlib level-6 bytes of all utterances streamed in order. Every figure shows n, the number of items it is computed over.</p></section>
<script type="application/json" id="chart-specs">${data}</script>
<script>${chartJsSource()}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
