/**
 * Sample rows of a tokenized folder for the report: a few rows picked with the seeded PRNG (the
 * same seed picks the same rows), decoded by `sftforge inspect`'s code with the tokenizer that
 * sftforge.json names, trained spans marked. The tokenizer is loaded offline (local folder,
 * bundled name or the Hub cache): statistics never touch the network.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectRow } from '../format/inspect.js';
import { Prng } from './sample.js';
import type { SampleRow, SampleSpan } from './types.js';

export const SAMPLE_ROWS = 3;
/** Characters of decoded text kept per sample row (the report stays small whatever max_len is). */
export const SAMPLE_MAX_CHARS = 4000;

/** `k` distinct row indices in [0, rows), sorted; all rows when there are at most `k`. */
export function pickRows(rows: number, k: number, seed: number): number[] {
  if (rows <= k) return Array.from({ length: rows }, (_, i) => i);
  const rng = new Prng(seed);
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(rng.below(rows));
  return [...chosen].sort((a, b) => a - b);
}

/** Keeps the first `max` characters of the spans (never splitting a surrogate pair). */
export function capSpans(spans: readonly SampleSpan[], max = SAMPLE_MAX_CHARS): { spans: SampleSpan[]; truncated: boolean } {
  const out: SampleSpan[] = [];
  let left = max;
  for (const s of spans) {
    if (s.text.length <= left) {
      out.push({ ...s });
      left -= s.text.length;
      continue;
    }
    let cut = left;
    const c = s.text.charCodeAt(cut - 1);
    if (cut > 0 && c >= 0xd800 && c <= 0xdbff) cut--;
    if (cut > 0) out.push({ ...s, text: s.text.slice(0, cut) });
    return { spans: out, truncated: true };
  }
  return { spans: out, truncated: false };
}

export interface SampleResult {
  samples: SampleRow[];
  note?: string;
}

export async function sampleRows(dir: string, rows: number, count: number, seed: number): Promise<SampleResult> {
  if (count <= 0 || rows === 0) return { samples: [] };
  let manifest: { tokenizer?: unknown; shards?: unknown; added_tokens?: unknown; format?: unknown } | undefined;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'sftforge.json'), 'utf8'));
  } catch {
    return { samples: [], note: 'no readable sftforge.json: the tokenizer that wrote the rows is unknown, rows not decoded' };
  }
  if (typeof manifest?.tokenizer !== 'string' || !Array.isArray(manifest.shards) || manifest.shards.length === 0 || !Array.isArray(manifest.added_tokens)) {
    return { samples: [], note: 'sftforge.json does not name the tokenizer and shards: rows not decoded' };
  }
  if (manifest.format !== undefined && manifest.format !== 'hf') return { samples: [], note: `rows of the ${String(manifest.format)} layout are not decoded` };
  const samples: SampleRow[] = [];
  const notes = new Set<string>();
  for (const n of pickRows(rows, count, seed)) {
    try {
      const r = await inspectRow(dir, n, { hub: { offline: true } });
      // A different tokenizer.json than the one that wrote the rows may decode them wrongly: say so.
      for (const note of r.verdict.notes) if (note.startsWith('tokenizer.json differs')) notes.add(note);
      const cap = capSpans(r.spans);
      samples.push({ row: n, id: r.id, tokens: r.tokens, trained_tokens: r.trained_tokens, spans: cap.spans, truncated: cap.truncated });
    } catch (e) {
      notes.add(`rows not decoded with tokenizer ${manifest.tokenizer}: ${String((e as Error).message).split('\n')[0]}`);
      break;
    }
  }
  return notes.size ? { samples, note: [...notes].join('; ') } : { samples };
}
