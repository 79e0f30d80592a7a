#!/usr/bin/env node
// Smoke check for CI: the main job's outputs exist, parse, and their reports add up.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'out';
const fail = (m) => {
  console.error(`check-main-job: ${m}`);
  process.exit(1);
};
for (const name of ['sharegpt_clean', 'sharegpt_gpt4']) {
  const file = join(out, `${name}.jsonl`);
  if (!existsSync(file)) fail(`${file} is missing`);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  for (const l of lines) JSON.parse(l);
  const rep = JSON.parse(readFileSync(join(out, `${name}.report.json`), 'utf8'));
  const rejected = Object.values(rep.rejects).reduce((a, b) => a + b, 0);
  if (rep.records_out !== lines.length) fail(`${name}: report says ${rep.records_out} out, file has ${lines.length}`);
  if (rep.records_in !== rep.records_out + rejected) fail(`${name}: ${rep.records_in} in != ${rep.records_out} out + ${rejected} rejected`);
  if (lines.length === 0) fail(`${name}: no records`);
  console.log(`check-main-job: ${name}: ${rep.records_in} in, ${rep.records_out} out, ${rejected} rejected`);
}

// Tokenized folders: the manifest's shards exist with their sha256, and rows add up.
const { createHash } = await import('node:crypto');
for (const name of ['openchat', 'openchat_8192']) {
  const dir = join(out, name);
  const m = JSON.parse(readFileSync(join(dir, 'sftforge.json'), 'utf8'));
  let rows = 0;
  for (const s of m.shards) {
    const buf = readFileSync(join(dir, s.file));
    if (createHash('sha256').update(buf).digest('hex') !== s.sha256) fail(`${name}/${s.file}: sha256 differs from sftforge.json`);
    rows += s.rows;
  }
  if (rows !== m.rows || rows === 0) fail(`${name}: ${rows} rows in shards, manifest says ${m.rows}`);
  for (const f of ['dataset_info.json', 'state.json']) if (!existsSync(join(dir, f))) fail(`${name}/${f} is missing`);
  console.log(`check-main-job: ${name}: ${m.rows} rows in ${m.shards.length} shard(s), template ${m.template}, max_len ${m.max_len}`);
}
for (const f of ['stats.json', 'report.html']) if (!existsSync(join(out, f))) fail(`${f} is missing`);
const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
console.log(`check-main-job: stats.json and report.html written (${Object.keys(stats).length} top-level fields)`);
