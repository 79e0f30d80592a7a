/** The shape of `sftforge stats` output (the JSON file is exactly a StatsResult). */
import type { InputFormat } from '../core/types.js';
import type { DistSummary, Histogram } from './quantiles.js';
import type { DistinctSummary } from './distinct.js';
import type { GzipSummary } from './gzip.js';

export type { DistSummary, Histogram, DistinctSummary, GzipSummary };

export interface StatsOptions {
  format?: InputFormat;
  /** Reservoir-sample this many dialogues (and tokenized rows) instead of measuring all. */
  sample?: number;
  /** PRNG seed for --sample (default 0). */
  seed?: number;
  /** MTLD factor threshold (default 0.72, as UltraChat and LexicalRichness). */
  mtldThreshold?: number;
  /** Groups kept per grouping key before the rest is folded into "(other)" (default 32). */
  maxGroups?: number;
  /** Unique n-grams counted exactly before HyperLogLog takes over: whole dataset (default 2^19). */
  distinctExactCap?: number;
  /** Same, per group (default 2^15: groups can be many). */
  groupDistinctExactCap?: number;
}

/** A distribution plus its histogram for plotting. */
export interface DistWithHist extends DistSummary {
  hist?: Histogram;
}

export interface ByRole<T> {
  all: T;
  user: T;
  assistant: T;
}

export interface MtldSummary extends DistSummary {
  /** Utterances with no lexical token (empty, digits, punctuation): not averaged, counted here. */
  empty: number;
  hist?: Histogram;
}

/** Text statistics of a set of dialogues (the dataset, or one group). */
export interface TextStats {
  dialogues: number;
  /** User and assistant messages per dialogue (system prompts are counted apart). */
  turns_per_dialogue: DistWithHist;
  utterances: ByRole<number>;
  system_turns: number;
  /** Words = Python str.split() pieces; characters = Unicode code points. */
  words_per_utterance: ByRole<DistWithHist>;
  chars_per_utterance: ByRole<DistSummary>;
  words_per_dialogue: ByRole<DistSummary>;
  chars_per_dialogue: ByRole<DistSummary>;
  /** MTLD (LexicalRichness, threshold as in options) per utterance; `mean` is UltraChat's figure. */
  mtld: ByRole<MtldSummary>;
  /** Over LexicalRichness tokens, bigrams within an utterance. */
  distinct_1: DistinctSummary;
  distinct_2: DistinctSummary;
  gzip: GzipSummary;
}

export interface GroupStats {
  key: string;
  stats: TextStats;
}

/** Statistics of one tokenized dataset folder (datasets.save_to_disk layout). */
export interface TokenizedStats {
  path: string;
  files: string[];
  rows: number;
  /** Rows measured (= rows unless sampled). */
  measured_rows: number;
  tokens_per_row: DistWithHist;
  trained_tokens_per_row: DistSummary;
  share_trained_per_row: DistSummary;
  /** Packed rows: sequences per row from `seq_lens` (absent when the column is). */
  sequences_per_row?: DistSummary;
  tokens_total: number;
  trained_tokens_total: number;
  /** trained_tokens_total / tokens_total over the measured rows. */
  share_trained: number;
  /** From sftforge.json report.counters when the manifest has them; null when unknown. */
  rows_split: number | null;
  rows_truncated: number | null;
  manifest_counters: Record<string, number>;
  /** Rows per tenth of trained share (bins [0,0.1), …, [0.9,1]) over the measured rows. */
  share_trained_hist: Histogram;
  /** A few rows (seeded pick, in row order) decoded with the folder's tokenizer, trained spans marked. */
  samples: SampleRow[];
  /** Why `samples` is empty or short (no sftforge.json, tokenizer not reachable offline, …); absent when all went well. */
  samples_note?: string;
}

/** A decoded piece of a sample row: `trained` when its labels are not -100. */
export interface SampleSpan {
  text: string;
  trained: boolean;
  /** Packed rows: index of the sequence in seq_lens. */
  seq?: number;
}

export interface SampleRow {
  /** Row index in the folder (0-based, across shards). */
  row: number;
  id: string;
  tokens: number;
  trained_tokens: number;
  /** The decoded text, cut after SAMPLE_MAX_CHARS characters (`truncated` then true). */
  spans: SampleSpan[];
  truncated: boolean;
}

/** What happened to the records on the way to one measured input, from its run report. */
export interface QuarantineSummary {
  /** The input file or tokenized folder. */
  input: string;
  /** The report read: `X.report.json` beside a JSON/JSONL file, or `sftforge.json` in a folder; null when there is none. */
  report: string | null;
  stage: string | null;
  records_in: number | null;
  records_out: number | null;
  /** Rejects per reason code, sorted by reason. */
  rejects: Record<string, number>;
  /** Σ rejects. */
  rejected: number;
}

export interface PaperRow {
  dataset: string;
  mtld: number;
}

export interface StatsResult {
  /** Schema version of this JSON. */
  sftforge_stats: 1;
  inputs: string[];
  options: {
    format: string | null;
    mtld_threshold: number;
    sample: number | null;
    seed: number | null;
    max_groups: number;
    distinct_exact_cap: number;
    group_distinct_exact_cap: number;
  };
  /** Dialogues read, rejected by the reader (per reason) and measured. */
  population: { dialogues: number; measured: number; rejected: Record<string, number> };
  text: TextStats | null;
  /** Per grouping key present in the data (source, model, sector, persona), groups sorted by key. */
  groups: Record<string, GroupStats[]>;
  tokenized: TokenizedStats[];
  /** UltraChat paper Table 4, MTLD column, for comparison. */
  reference: PaperRow[];
  /** Per input (text files, then tokenized folders), the reject counts of the run that wrote it. */
  quarantine: QuarantineSummary[];
}
