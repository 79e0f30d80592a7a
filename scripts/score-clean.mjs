#!/usr/bin/env node
// Fidelity of the whole clean stage: runs `sftforge clean` on a dev set and scores its output
// against the set's truth Markdown with ../shared/tools/score-markdown.mjs (needs `marked`, a dev
// dependency), then adds a links figure: of the hrefs in the assistant HTML (anchors outside
// buttons), how many appear in the Markdown of the same turn, as written or percent-decoded.
// Prints the scorer's JSON with `links`/`links_kept_pct`, and the targets it must meet.
// usage: node scripts/score-clean.mjs [--set sample|math|ui2024] [--workers N] [--cli dist/cli/main.js]
//   sample: ../shared/data/sharegpt_html_sample.json (2022–23 UI)
//   math:   test/clean/html/fixtures/math_dev.json (KaTeX, with and without the math-* wrapper, MathJax)
//   ui2024: test/clean/html/fixtures/ui2024_dev.json (2024–25 UI markup, citation pills, cards)
// The fixtures are made by test/clean/html/fixtures/make-devsets.mjs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(root, '..', 'shared', 'data');
const fixtures = join(root, 'test', 'clean', 'html', 'fixtures');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const workers = arg('--workers', '2');
const cli = arg('--cli', join(root, 'dist', 'cli', 'main.js'));
const set = arg('--set', 'sample');
const SETS = {
  sample: [join(data, 'sharegpt_html_sample.json'), join(data, 'sharegpt_html_sample.truth.json')],
  math: [join(fixtures, 'math_dev.json'), join(fixtures, 'math_dev.truth.json')],
  ui2024: [join(fixtures, 'ui2024_dev.json'), join(fixtures, 'ui2024_dev.truth.json')],
};
if (!SETS[set]) throw new Error(`--set ${set}: unknown dev set (one of ${Object.keys(SETS).join(', ')})`);
const [input, truth] = SETS[set];

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
const unescapeAttr = (s) => s.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_m, e) => ENTITIES[e]);
/** hrefs of `<a>` elements outside `<button>`s (a copy button's link is chrome, not content). */
function hrefs(html) {
  const out = [];
  const noButtons = html.replace(/<button[\s\S]*?<\/button>/gi, '');
  for (const m of noButtons.matchAll(/<a\s[^>]*?\bhref\s*=\s*("([^"]*)"|'([^']*)')/gi)) out.push(unescapeAttr(m[2] ?? m[3]));
  return out.filter((h) => h && !h.startsWith('#'));
}
const decoded = (h) => {
  try {
    return decodeURI(h);
  } catch {
    return h;
  }
};

/** Links of the input found in the output, assistant turns paired in order per record id. */
function linkFigure(outPath) {
  const records = JSON.parse(readFileSync(input, 'utf8'));
  const out = new Map();
  for (const line of readFileSync(outPath, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    const turns = r.conversations
      ? r.conversations.filter((c) => c.from === 'gpt' || c.from === 'assistant').map((c) => c.value)
      : (r.messages ?? []).filter((m) => m.role === 'assistant').map((m) => m.content);
    out.set(r.id, turns);
  }
  let links = 0,
    kept = 0;
  for (const r of records) {
    if (!r || !Array.isArray(r.conversations) || !out.has(r.id)) continue;
    const html = r.conversations.filter((c) => c && c.from === 'gpt' && typeof c.value === 'string').map((c) => c.value);
    const md = out.get(r.id);
    if (html.length !== md.length) continue;
    html.forEach((h, i) => {
      for (const href of hrefs(h)) {
        links++;
        if (md[i].includes(href) || md[i].includes(decoded(href))) kept++;
      }
    });
  }
  return { links, links_kept_pct: links ? Math.round((1000 * kept) / links) / 10 : null };
}

const dir = mkdtempSync(join(tmpdir(), 'sftforge-score-'));
try {
  const out = join(dir, 'clean.jsonl');
  execFileSync(cli, ['clean', input, '-o', out, '--workers', workers, '--quiet'], { stdio: 'inherit' });
  const score = JSON.parse(execFileSync(process.execPath, [join(root, '..', 'shared', 'tools', 'score-markdown.mjs'), truth, out], { cwd: root, encoding: 'utf8' }));
  Object.assign(score, linkFigure(out));
  console.log(JSON.stringify({ set, ...score }));
  const ok =
    (score.code_blocks === 0 || score.code_exact_pct >= 99.8) &&
    (score.code_langs === 0 || score.lang_exact_pct >= 99.5) &&
    score.escape_artifacts_per_100_turns <= 0.1 &&
    (score.links === 0 || score.links_kept_pct >= 99.5);
  console.log(
    `${set}: code blocks byte-exact ${score.code_exact_pct}% (target >= 99.8), languages ${score.lang_exact_pct}% (>= 99.5), added escapes ${score.escape_artifacts_per_100_turns}/100 turns (<= 0.1), links kept ${score.links_kept_pct}% (>= 99.5), turns text-identical ${score.turn_text_match_pct}%: ${ok ? 'PASS' : 'FAIL'}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
