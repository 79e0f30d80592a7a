/**
 * `sftforge.json`, the manifest of a tokenized output folder. The Hub push (src/hub/manifest.ts)
 * reads this exact shape: keep the field names.
 */
import type { ReportJson } from '../../core/report.js';
import type { ShardInfo } from './arrow-shard.js';

export interface AddedTokenInfo {
  content: string;
  id: number;
  /** false: the token was already in the vocabulary and is now matched as a special token. */
  appended: boolean;
}

export interface TokenizedManifest {
  sftforge_version: string;
  kind: 'tokenized';
  /** `hf` (save_to_disk layout) or `parquet-openchat`. */
  format: 'hf' | 'parquet-openchat';
  template: string;
  tokenizer: string;
  tokenizer_sha256: string;
  max_len: number;
  chunk: string;
  pack: boolean;
  tokenize: string;
  loss_weights: boolean;
  rows: number;
  shards: ShardInfo[];
  features: Record<string, unknown>;
  fingerprint?: string;
  report: DeterministicReport;
  added_tokens: AddedTokenInfo[];
  /** len(vocab) after added tokens: the embedding size a trainer must resize to (at least). */
  vocab_size: number;
  /** parquet-openchat: the MODEL_CONFIG_MAP key, epoch files and OpenChat's conversation JSONL. */
  openchat?: { model_type: string; epochs: number; jsonl: string };
}

export type DeterministicReport = Pick<ReportJson, 'stage' | 'records_in' | 'records_out' | 'rejects' | 'repairs' | 'counters' | 'bytes_in'>;

/**
 * The report without timings or memory figures: the manifest must be byte-identical between
 * identical runs, so only the counting fields are kept (named, so a new timing field stays out).
 */
export function reportWithoutTimings(r: ReportJson): DeterministicReport {
  return { stage: r.stage, records_in: r.records_in, records_out: r.records_out, rejects: r.rejects, repairs: r.repairs, counters: r.counters, bytes_in: r.bytes_in };
}
