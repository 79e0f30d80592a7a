/**
 * Benchmark prompt sets for decontamination: the bundled ones (configs/evalsets/, see its NOTICE
 * and SOURCES.md) by name, or a user's JSONL file with one prompt per line.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { packageRoot } from '../exec/paths.js';
import type { BenchmarkItem } from './decontaminate.js';

/** Bundled benchmarks: name → file under configs/evalsets/. */
export const BUNDLED_EVALSETS: Readonly<Record<string, string>> = {
  alpaca_eval: 'alpaca_eval_805.jsonl',
  mt_bench: 'mt_bench_80.jsonl',
  vicuna_bench: 'vicuna_bench_80.jsonl',
};

export interface EvalsetFile {
  path: string;
  /** Benchmark name in details and the report (default: the file name without extension). */
  name?: string;
  /** The field holding the prompt (default: the first of text, instruction, prompt, question, turns). */
  field?: string;
}

export type EvalsetSpec = string | EvalsetFile;

const FIELDS = ['text', 'instruction', 'prompt', 'question', 'turns'];

/** Loads every item of every spec: a bundled name, a path (relative to `cwd`), or {path, name, field}. */
export async function loadEvalsets(specs: readonly EvalsetSpec[], cwd: string): Promise<BenchmarkItem[]> {
  const out: BenchmarkItem[] = [];
  for (const spec of specs) {
    const f = typeof spec === 'string' ? { path: spec } : spec;
    const bundled = BUNDLED_EVALSETS[f.path];
    const path = bundled ? join(packageRoot(), 'configs', 'evalsets', bundled) : resolve(cwd, f.path);
    const name = f.name ?? (bundled ? f.path : basename(path, extname(path)));
    out.push(...(await readEvalset(path, name, f.field)));
  }
  return out;
}

async function readEvalset(path: string, benchmark: string, field: string | undefined): Promise<BenchmarkItem[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(
      `benchmark ${path} cannot be read: ${(e as Error).message}`,
      `name a bundled benchmark (${Object.keys(BUNDLED_EVALSETS).join(', ')}) or a JSONL file with one {"id", "text"} per line`,
    );
  }
  const items: BenchmarkItem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`${path}:${i + 1}`, `not JSON: ${(e as Error).message}`, 'a benchmark file holds one JSON object per line');
    }
    const key = field ?? FIELDS.find((k) => row[k] !== undefined);
    const value = key === undefined ? undefined : row[key];
    const id = row.id === undefined || row.id === null ? String(i + 1) : String(row.id);
    if (typeof value === 'string') {
      items.push({ benchmark, id, text: value });
    } else if (Array.isArray(value) && value.every((t) => typeof t === 'string')) {
      // Multi-turn items (MT-bench): each user turn is a prompt of its own.
      value.forEach((t: string, k) => items.push(value.length > 1 ? { benchmark, id, turn: k + 1, text: t } : { benchmark, id, text: t }));
    } else {
      throw new InputError(
        `${path}:${i + 1}`,
        `no prompt text: expected a string (or a list of strings) in ${field ? `field "${field}"` : `one of the fields ${FIELDS.join(', ')}`}`,
        'set `field:` for this benchmark file',
      );
    }
  });
  return items;
}
