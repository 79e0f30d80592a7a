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
