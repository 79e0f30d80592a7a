#!/usr/bin/env node
// HTML → Markdown converters on the sample's assistant HTML alone (records with a truth entry):
// throughput (MB of HTML per second of wall and of CPU time, median of --runs passes over all
// turns, passes alternating between converters, one thread) and
// fidelity (../shared/tools/score-markdown.mjs against the truth Markdown). Converters:
// - sftforge: sftforge's own htmlToMarkdown (its parser + prepareTree + its Markdown serializer);
// - node-html-markdown, kreuzberg (@kreuzberg/html-to-markdown-node, Rust): out of the box, and
//   "+pre" with the ChatGPT UI's code blocks reduced first (below) to <pre><code class=language-x>.
// Benchmark only; the peers' packages live in scripts/peers/node_modules (npm install --prefix scripts/peers).
// usage: node scripts/peers/html-converters.mjs [--root SFTFORGE_ROOT] [--runs 3] [--only a,b] [--out DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const project = resolve(here, '..', '..');
const { values: a } = parseArgs({
  options: { root: { type: 'string', default: project }, runs: { type: 'string', default: '3' }, only: { type: 'string' }, out: { type: 'string', default: join(project, 'bench-data', 'html') } },
});
const root = resolve(a.root);
const shared = join(project, '..', 'shared');
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const req = createRequire(join(here, 'package.json'));

// The turns: every gpt turn of each record whose truth is a list of Markdown strings of the same length.
const truthPath = join(shared, 'data', 'sharegpt_html_sample.truth.json');
const truth = JSON.parse(readFileSync(truthPath, 'utf8'));
const recs = [];
for (const r of JSON.parse(readFileSync(join(shared, 'data', 'sharegpt_html_sample.json'), 'utf8'))) {
  const t = truth[r?.id];
  const gpt = Array.isArray(r?.conversations) ? r.conversations.filter((c) => c?.from === 'gpt').map((c) => c.value) : [];
  if (Array.isArray(t) && t.every((x) => typeof x === 'string') && gpt.length === t.length && gpt.every((v) => typeof v === 'string')) recs.push({ id: r.id, html: gpt });
}
const bytes = recs.reduce((s, r) => s + r.html.reduce((q, h) => q + Buffer.byteLength(h), 0), 0);

/** The ChatGPT UI's code block (header with language span, copy button, highlight spans) as plain <pre><code>. */
const PRE = /<pre\b[^>]*>([\s\S]*?)<\/pre>/g;
export function reduceUiCode(html) {
  return html.replace(PRE, (whole, inner) => {
    const code = /<code\b([^>]*)>([\s\S]*?)<\/code>/.exec(inner);
    if (!code) return whole;
    const span = /<span>([^<]+)<\/span>\s*<button/.exec(inner);
    const cls = /language-([\w+#.-]+)/.exec(code[1]);
    const lang = span ? span[1].trim() : cls ? cls[1] : '';
    return `<pre><code${lang ? ` class="language-${lang}"` : ''}>${code[2].replace(/<[^>]+>/g, '')}</code></pre>`;
  });
}

async function converters() {
  const out = {};
  const { htmlToMarkdown } = await dist('clean/html/convert.js');
  out.sftforge = htmlToMarkdown;
  const { NodeHtmlMarkdown } = req('node-html-markdown');
  const nhm = new NodeHtmlMarkdown({ codeFence: '```', bulletMarker: '-', codeBlockStyle: 'fenced', emDelimiter: '*', strongDelimiter: '**' });
  out['node-html-markdown'] = (html) => nhm.translate(html).trim();
  out['node-html-markdown+pre'] = (html) => nhm.translate(reduceUiCode(html)).trim();
  const { convert } = req('@kreuzberg/html-to-markdown-node');
  const kopts = { headingStyle: 'Atx', codeBlockStyle: 'Backticks', bullets: '-', escapeAsterisks: false, escapeUnderscores: false, escapeMisc: false, escapeAscii: false, extractMetadata: false };
  out.kreuzberg = (html) => (convert(html, kopts).content ?? '').trim();
  out['kreuzberg+pre'] = (html) => (convert(reduceUiCode(html), kopts).content ?? '').trim();
  return out;
}

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
mkdirSync(a.out, { recursive: true });
const all = await converters();
const names = a.only ? a.only.split(',') : Object.keys(all);
console.log(
  `${recs.length} records, ${recs.reduce((s, r) => s + r.html.length, 0)} assistant turns, ${(bytes / 1e6).toFixed(2)} MB of HTML; sftforge from ${root}; median of ${a.runs} passes, one thread`,
);
console.log(
  '| converter | MB/s wall (median, range) | MB/s of CPU time (median) | code blocks byte-exact | code languages | added escapes / 100 turns | turns matching (whitespace folded) | errors |\n|---|---|---|---|---|---|---|---|',
);
// Passes alternate between converters (rotating order), so a change of load hits all of them alike.
const stats = Object.fromEntries(names.map((n) => [n, { wall: [], cpu: [], outRecs: [], errors: 0 }]));
for (let run = 0; run < Number(a.runs); run++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + run) % names.length];
    const fn = all[name];
    const st = stats[name];
    const outRecs = [];
    let errors = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const r of recs) {
      const conv = [];
      for (const h of r.html) {
        try {
          conv.push({ from: 'gpt', value: fn(h) });
        } catch {
          errors++;
          conv.push({ from: 'gpt', value: '' });
        }
      }
      outRecs.push({ id: r.id, conversations: conv });
    }
    const c = process.cpuUsage(c0);
    st.wall.push(bytes / 1e6 / ((performance.now() - t0) / 1000));
    st.cpu.push(bytes / 1e6 / ((c.user + c.system) / 1e6));
    st.outRecs = outRecs;
    st.errors = errors;
  }
}
for (const name of names) {
  const st = stats[name];
  const file = join(a.out, `${name}.json`);
  writeFileSync(file, JSON.stringify(st.outRecs));
  const score = JSON.parse(execFileSync(process.execPath, [join(shared, 'tools', 'score-markdown.mjs'), truthPath, file], { cwd: project, encoding: 'utf8' }).trim());
  console.log(
    `| ${name} | ${median(st.wall).toFixed(2)} (${Math.min(...st.wall).toFixed(2)}–${Math.max(...st.wall).toFixed(2)}) | ${median(st.cpu).toFixed(2)} | ${score.code_exact_pct}% | ${score.lang_exact_pct}% | ${score.escape_artifacts_per_100_turns} | ${score.turn_text_match_pct}% | ${st.errors} |`,
  );
}
