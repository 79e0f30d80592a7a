// Benchmark inputs built from ../shared/data, written once into a git-ignored folder:
// - cleanInput(mb): the ShareGPT HTML sample repeated until `mb` MB, every copy with a distinct
//   first human turn ("[copy N] …") and id suffix, so dedup does not shrink the work; a JSON array
//   (FastChat's cleaner reads only that). The first copy is the sample itself, unchanged.
// - tokenizeInput(mb): the sample's well-formed records with each answer replaced by its truth
//   Markdown (what cleaning should produce), repeated the same way; ShareGPT JSONL.
import { createWriteStream, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

async function writeCopies(path, records, targetBytes, { array, mutate }) {
  if (existsSync(path) && statSync(path).size >= targetBytes * 0.99) return path;
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  let bytes = 0;
  let first = true;
  const write = async (s) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  if (array) await write('[\n');
  for (let copy = 0; bytes < targetBytes; copy++) {
    for (const r of records) {
      if (bytes >= targetBytes) break;
      const line = JSON.stringify(copy === 0 ? r : mutate(structuredClone(r), copy));
      await write(array ? (first ? '' : ',\n') + line : line + '\n');
      first = false;
    }
  }
  if (array) await write('\n]\n');
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  return path;
}

function distinctCopy(m, copy) {
  if (!m || typeof m !== 'object') return m;
  m.id = `${m.id ?? 'x'}_${copy}`;
  const t = Array.isArray(m.conversations) ? m.conversations.find((c) => c && c.from === 'human' && typeof c.value === 'string') : undefined;
  if (t) t.value = `[copy ${copy}] ${t.value}`;
  return m;
}

export async function cleanInput(shared, dir, mb) {
  const sample = join(shared, 'data', 'sharegpt_html_sample.json');
  if (mb === 'sample') return sample;
  const records = JSON.parse(readFileSync(sample, 'utf8'));
  return writeCopies(join(dir, `sharegpt_html_${mb}mb.json`), records, mb * 1e6, { array: true, mutate: distinctCopy });
}

export async function tokenizeInput(shared, dir, mb) {
  const truth = JSON.parse(readFileSync(join(shared, 'data', 'sharegpt_html_sample.truth.json'), 'utf8'));
  const records = [];
  for (const rec of JSON.parse(readFileSync(join(shared, 'data', 'sharegpt_html_sample.json'), 'utf8'))) {
    const answers = truth[rec?.id];
    if (!Array.isArray(rec?.conversations) || !Array.isArray(answers) || answers.some((a) => typeof a !== 'string')) continue;
    let k = 0;
    const conversations = [];
    for (const t of rec.conversations) {
      if (t.from === 'human') conversations.push({ from: 'human', value: String(t.value ?? '') });
      else if (t.from === 'gpt' && k < answers.length) conversations.push({ from: 'gpt', value: answers[k++] });
    }
    // Alternating human/gpt pairs only: both paths then render the same conversations.
    const ok = conversations.length >= 2 && conversations.length % 2 === 0 && conversations.every((c, i) => c.from === (i % 2 ? 'gpt' : 'human') && c.value.trim());
    if (k === answers.length && ok) records.push({ id: rec.id, conversations });
  }
  return writeCopies(join(dir, `sharegpt_md_${mb}mb.jsonl`), records, mb * 1e6, { array: false, mutate: distinctCopy });
}
