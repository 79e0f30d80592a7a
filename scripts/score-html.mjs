#!/usr/bin/env node
// Scores the HTML→Markdown converter on the ShareGPT HTML sample.
// usage: node scripts/score-html.mjs [--sample FILE] [--truth FILE] [--verbose [--show N]] [--limits]
//                                    [--keep FILE] [--passes N]
// Converts every gpt turn that looksLikeHtml and passes checkHtmlLimits (user turns untouched),
// strips ShareGPT artifacts from every turn, writes {id, conversations} JSONL to a temp file (or
// --keep FILE), runs ../shared/tools/score-markdown.mjs on it and prints its JSON, then the speed
// of htmlToMarkdown alone, single thread, in MB/s of HTML input: the first (cold) pass and the
// best of --passes more (warm, default 3). Records checkHtmlLimits rejects are excluded.
// --verbose lists failing code blocks, added escapes and differing turns; --limits prints the
// depth/size distribution the default limits were chosen from. Build first: npx tsc -p .
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';
import { htmlToMarkdown, looksLikeHtml, checkHtmlLimits, stripShareGptArtifacts, htmlDepth } from '../dist/clean/html/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const shared = path.resolve(root, '../shared');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const samplePath = opt('--sample', path.join(shared, 'data/sharegpt_html_sample.json'));
const truthPath = opt('--truth', path.join(shared, 'data/sharegpt_html_sample.truth.json'));
const verbose = args.includes('--verbose');
const showLimits = args.includes('--limits');
const keepPath = opt('--keep', null);
const passes = Number(opt('--passes', '3'));

const records = JSON.parse(fs.readFileSync(samplePath, 'utf8'));
const truth = JSON.parse(fs.readFileSync(truthPath, 'utf8'));

let htmlBytes = 0,
  convertMs = 0,
  converted = 0,
  rejected = 0,
  markdownTurns = 0,
  artifacts = 0,
  limitsMs = 0;
const inputs = []; // HTML turns that passed the limits, for the warm benchmark
const rejectReasons = {};
const depths = [],
  sizes = [];
const out = [];
for (const rec of records) {
  if (!rec || !Array.isArray(rec.conversations)) continue;
  let bad = null;
  const conversations = rec.conversations.map((turn) => {
    if (!turn || typeof turn.value !== 'string') return turn;
    let value = turn.value;
    if (turn.from === 'gpt' && looksLikeHtml(value)) {
      if (showLimits) {
        depths.push(htmlDepth(value));
        sizes.push(Buffer.byteLength(value));
      }
      const l0 = performance.now();
      const limit = checkHtmlLimits(value);
      limitsMs += performance.now() - l0;
      if (limit) {
        bad = limit;
        return turn;
      }
      inputs.push(value);
      const t0 = performance.now();
      value = htmlToMarkdown(value);
      convertMs += performance.now() - t0;
      htmlBytes += Buffer.byteLength(turn.value);
      converted++;
    } else if (turn.from === 'gpt') markdownTurns++;
    const s = stripShareGptArtifacts(value);
    artifacts += s.removed;
    return { ...turn, value: s.text };
  });
  if (bad) {
    rejected++;
    rejectReasons[bad.reason] = (rejectReasons[bad.reason] ?? 0) + 1;
    continue;
  }
  out.push({ id: rec.id, conversations });
}

const tmp = keepPath ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'score-html-')), 'cleaned.jsonl');
fs.writeFileSync(tmp, out.map((r) => JSON.stringify(r)).join('\n') + '\n');
const scoreJson = execFileSync(process.execPath, [path.join(shared, 'tools/score-markdown.mjs'), truthPath, tmp], { cwd: root, encoding: 'utf8' }).trim();
const score = JSON.parse(scoreJson);
console.log(JSON.stringify(score));
let warmMs = Infinity;
for (let p = 0; p < passes; p++) {
  const t0 = performance.now();
  for (const h of inputs) htmlToMarkdown(h);
  warmMs = Math.min(warmMs, performance.now() - t0);
}
const mbps = (ms) => Math.round((htmlBytes / 1e6 / (ms / 1000)) * 100) / 100;
console.log(
  JSON.stringify({
    turns_converted: converted,
    gpt_turns_left_as_markdown: markdownTurns,
    records_rejected: rejected,
    reject_reasons: rejectReasons,
    artifacts_removed: artifacts,
    html_mb: Math.round(htmlBytes / 1e4) / 100,
    convert_cold_mb_per_s: mbps(convertMs),
    convert_warm_mb_per_s: passes > 0 ? mbps(warmMs) : null,
    check_limits_ms_total: Math.round(limitsMs * 10) / 10,
  }),
);

if (showLimits) {
  const q = (a, p) => {
    const s = [...a].sort((x, y) => x - y);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))];
  };
  const dist = (a) => ({ p50: q(a, 0.5), p99: q(a, 0.99), p999: q(a, 0.999), max: Math.max(...a) });
  const legit = depths.map((d, i) => [d, sizes[i]]).filter(([d]) => d <= 1000);
  console.log(
    JSON.stringify({
      depth_all: dist(depths),
      depth_below_1000: dist(legit.map(([d]) => d)),
      bytes_all: dist(sizes),
      bytes_depth_below_1000: dist(legit.map(([, b]) => b)),
    }),
  );
}

if (verbose) {
  // Same parsing as the score tool, to show which blocks and turns differ.
  const fences = (md) => {
    const acc = [];
    const walk = (toks) => {
      for (const t of toks || []) {
        if (t.type === 'code' && t.codeBlockStyle !== 'indented') acc.push({ lang: (t.lang || '').trim().split(/\s+/)[0] || '', code: t.text.replace(/\s+$/, '') });
        walk(t.tokens);
        if (t.items) walk(t.items);
      }
    };
    walk(marked.lexer(md));
    return acc;
  };
  const prose = (md) => {
    let s = '';
    const walk = (toks) => {
      for (const t of toks || []) {
        if (t.type === 'code' || t.type === 'codespan' || t.type === 'html') continue;
        if (t.type === 'text' && !t.tokens) s += t.raw + '\n';
        else if (t.type === 'escape') s += t.raw;
        walk(t.tokens);
        if (t.items) walk(t.items);
        if (t.header) walk(t.header.flatMap((c) => c.tokens));
        if (t.rows) walk(t.rows.flat().flatMap((c) => c.tokens));
      }
    };
    walk(marked.lexer(md));
    return s;
  };
  const ESC = /\\[_*[\]#`>|-]/g;
  const fold = (s) =>
    s
      .replace(/\\([_*[\]#`>|.!-])/g, '$1')
      .replace(/[*_`#>|-]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  const firstDiff = (a, b) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return i;
  };
  const limit = Number(opt('--show', '15'));
  let shownCode = 0,
    shownText = 0;
  const textFails = [];
  for (const r of out) {
    const want = truth[r.id];
    if (!want) continue;
    const gpt = r.conversations.filter((c) => c.from === 'gpt').map((c) => c.value);
    if (gpt.length !== want.length) continue;
    want.forEach((w, i) => {
      const g = gpt[i] ?? '';
      const fw = fences(w),
        fg = fences(g);
      fw.forEach((b, k) => {
        const ok = fg[k] && fg[k].code === b.code && (!b.lang || fg[k].lang === b.lang);
        if (!ok && shownCode++ < limit) {
          console.log(`\n## code ${r.id} turn ${i} block ${k}: want lang=${JSON.stringify(b.lang)} got lang=${JSON.stringify(fg[k]?.lang)}`);
          const at = firstDiff(b.code, fg[k]?.code ?? '');
          console.log('want:', JSON.stringify(b.code.slice(Math.max(0, at - 80), at + 120)));
          console.log('got: ', JSON.stringify((fg[k]?.code ?? '<missing>').slice(Math.max(0, at - 80), at + 120)));
        }
      });
      const added = (prose(g).match(ESC) || []).length - (prose(w).match(ESC) || []).length;
      if (added > 0) console.log(`\n## escapes ${r.id} turn ${i}: ${added} added: ${JSON.stringify((prose(g).match(ESC) || []).join(' '))}`);
      const a = fold(w),
        b = fold(g);
      if (a !== b) {
        const at = firstDiff(a, b);
        textFails.push({ id: r.id, i, at, want: a.slice(Math.max(0, at - 60), at + 80), got: b.slice(Math.max(0, at - 60), at + 80) });
      }
    });
  }
  console.log(`\n${textFails.length} turns whose folded text differs; first ${limit}:`);
  for (const f of textFails.slice(0, limit)) {
    if (shownText++ >= limit) break;
    console.log(`\n## text ${f.id} turn ${f.i} at ${f.at}\nwant: ${JSON.stringify(f.want)}\ngot:  ${JSON.stringify(f.got)}`);
  }
}
