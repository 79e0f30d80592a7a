#!/usr/bin/env node
// Fidelity of the whole clean stage: runs `sftforge clean` on ../shared/data/sharegpt_html_sample.json
// and scores its output against the truth Markdown with ../shared/tools/score-markdown.mjs (needs
// `marked`, a dev dependency). Prints the scorer's JSON and the targets it must meet.
// usage: node scripts/score-clean.mjs [--workers N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(root, '..', 'shared', 'data');
const workers = process.argv.includes('--workers') ? process.argv[process.argv.indexOf('--workers') + 1] : '2';
const dir = mkdtempSync(join(tmpdir(), 'sftforge-score-'));
try {
  const out = join(dir, 'clean.jsonl');
  execFileSync(join(root, 'dist', 'cli', 'main.js'), ['clean', join(data, 'sharegpt_html_sample.json'), '-o', out, '--workers', workers, '--quiet'], { stdio: 'inherit' });
  const score = JSON.parse(execFileSync(process.execPath, [join(root, '..', 'shared', 'tools', 'score-markdown.mjs'), join(data, 'sharegpt_html_sample.truth.json'), out], { cwd: root, encoding: 'utf8' }));
  console.log(JSON.stringify(score));
  const ok = score.code_exact_pct >= 99.8 && score.lang_exact_pct >= 99.5 && score.escape_artifacts_per_100_turns <= 0.1;
  console.log(`code blocks byte-exact ${score.code_exact_pct}% (target >= 99.8), languages ${score.lang_exact_pct}% (>= 99.5), added escapes ${score.escape_artifacts_per_100_turns}/100 turns (<= 0.1): ${ok ? 'PASS' : 'FAIL'}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
