/**
 * Reject counts of the runs that wrote the measured inputs: `X.report.json` beside a JSON/JSONL
 * file (the write_jsonl sidecar), `report` in a tokenized folder's sftforge.json (summed when a
 * manifest holds several). An input without a report gets a row with nulls, not an error.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sidecar } from '../io/stages/write_jsonl.js';
import type { QuarantineSummary } from './types.js';

interface ReportLike {
  stage?: unknown;
  records_in?: unknown;
  records_out?: unknown;
  rejects?: unknown;
}

export async function quarantineOf(input: string, kind: 'text' | 'tokenized'): Promise<QuarantineSummary> {
  const path = kind === 'text' ? sidecar(input, '.report.json') : join(input, 'sftforge.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return { input, report: null, stage: null, records_in: null, records_out: null, rejects: {}, rejected: 0 };
  }
  const raw = kind === 'text' ? parsed : (parsed as { report?: unknown } | null)?.report;
  const reports = (Array.isArray(raw) ? raw : raw !== undefined && raw !== null ? [raw] : []) as ReportLike[];
  const num = (k: 'records_in' | 'records_out') => {
    const xs = reports.map((r) => r?.[k]).filter((x): x is number => typeof x === 'number');
    return xs.length ? xs.reduce((a, b) => a + b, 0) : null;
  };
  const rejects = new Map<string, number>();
  for (const r of reports) {
    if (typeof r?.rejects !== 'object' || r.rejects === null) continue;
    for (const [k, v] of Object.entries(r.rejects)) if (typeof v === 'number') rejects.set(k, (rejects.get(k) ?? 0) + v);
  }
  const sorted = Object.fromEntries([...rejects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const stages = [...new Set(reports.map((r) => r?.stage).filter((s): s is string => typeof s === 'string'))];
  return {
    input,
    report: reports.length ? path : null,
    stage: stages.length ? stages.join(', ') : null,
    records_in: num('records_in'),
    records_out: num('records_out'),
    rejects: sorted,
    rejected: [...rejects.values()].reduce((a, b) => a + b, 0),
  };
}
