/**
 * The dataset card's YAML front matter. `configs` tells `load_dataset` (and the Hub viewer)
 * which files make the train split; `dataset_info` gives the features `datasets` casts to and
 * the split sizes it verifies (`num_examples` must be exact: `load_dataset` checks it).
 * Keys follow the Hub's dataset card spec (huggingface/hub-docs datasetcard.md).
 */
import type { YamlFeature } from './features.js';

export interface CardMetaInput {
  /** Glob of the train split's files, relative to the repo root: `data/train-*.arrow`. */
  dataFiles: string;
  features?: YamlFeature[];
  rows: number;
  /** Bytes of the split as Arrow (what `datasets` holds in memory). */
  numBytes: number;
  /** Bytes of the uploaded data files. */
  downloadSize: number;
  license?: string;
  languages?: string[];
  tags?: string[];
  prettyName?: string;
  /** Several splits (a DatasetDict): one data_files entry and one dataset_info split each. */
  splits?: { name: string; path: string; rows: number; numBytes: number }[];
}

export function sizeCategory(n: number): string {
  const bounds: [number, string][] = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'],
    [1e9, '100M<n<1B'],
    [1e10, '1B<n<10B'],
    [1e11, '10B<n<100B'],
    [1e12, '100B<n<1T'],
  ];
  for (const [b, name] of bounds) if (n < b) return name;
  return 'n>1T';
}

export function cardMeta(m: CardMetaInput): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  if (m.license) meta.license = m.license;
  if (m.languages?.length) meta.language = m.languages;
  meta.task_categories = ['text-generation'];
  meta.size_categories = [sizeCategory(m.rows)];
  meta.tags = [...new Set(['sft', 'chat', 'sftforge', ...(m.tags ?? [])])];
  if (m.prettyName) meta.pretty_name = m.prettyName;
  const splits = m.splits ?? [{ name: 'train', path: m.dataFiles, rows: m.rows, numBytes: m.numBytes }];
  meta.configs = [{ config_name: 'default', data_files: splits.map((s) => ({ split: s.name, path: s.path })) }];
  const info: Record<string, unknown> = {};
  if (m.features?.length) info.features = m.features;
  info.splits = splits.map((s) => ({ name: s.name, num_bytes: s.numBytes, num_examples: s.rows }));
  info.download_size = m.downloadSize;
  info.dataset_size = m.numBytes;
  meta.dataset_info = info;
  return meta;
}

/** Languages from statistics, read defensively: `languages` or `language` as {code: share|count}. */
export function languagesFromStats(stats?: Record<string, unknown>): string[] | undefined {
  const raw = stats?.languages ?? stats?.language;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const entries = Object.entries(raw as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && /^[a-z]{2,3}$/.test(e[0]));
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (total <= 0) return undefined;
  // A language under 5% of the records is noise for a card's `language` list.
  const langs = entries.filter(([, v]) => v / total >= 0.05).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return langs.length ? langs.map(([k]) => k) : undefined;
}
