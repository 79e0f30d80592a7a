#!/usr/bin/env node
// Rebuilds examples/sharegpt_sample.json from ../shared/data/sharegpt_html_sample.json: the first
// 280 ordinary records plus two of every planted fault (one deep-nesting record), in file order.
// Deterministic: run it again and the file is byte-identical.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'data');
const all = JSON.parse(readFileSync(join(shared, 'sharegpt_html_sample.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(shared, 'sharegpt_html_sample.manifest.json'), 'utf8'));
const planted = new Map();
for (const [kind, ids] of Object.entries(manifest.planted)) for (const id of ids) planted.set(id, kind);
const perKind = new Map();
const keep = [];
let ordinary = 0;
for (const r of all) {
  const kind = planted.get(r?.id);
  if (!kind) {
    if (ordinary++ < 280) keep.push(r);
    continue;
  }
  const n = perKind.get(kind) ?? 0;
  if (n < (kind === 'deep_nesting' ? 1 : 2)) {
    keep.push(r);
    perKind.set(kind, n + 1);
  }
}
// An exact duplicate's original must be in the file too, or it is not a duplicate here.
const byContent = new Map(all.map((r) => [JSON.stringify(r?.conversations), r]));
for (const r of [...keep]) {
  if (planted.get(r?.id) !== 'exact_duplicate') continue;
  const orig = byContent.get(JSON.stringify(r.conversations));
  if (orig && orig !== r && !keep.includes(orig)) keep.splice(keep.indexOf(r), 0, orig);
}
mkdirSync(join(root, 'examples'), { recursive: true });
writeFileSync(join(root, 'examples', 'sharegpt_sample.json'), JSON.stringify(keep, null, 1) + '\n');
console.log(`examples/sharegpt_sample.json: ${keep.length} records (${[...perKind].map(([k, n]) => `${k} ${n}`).join(', ')})`);
