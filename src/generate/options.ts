/** Options of a generation run (what `sftforge generate` parses its flags into). */
import type { Report } from '../core/report.js';
import type { GenerateConfig } from './config.js';
import type { EndpointOverrides } from './endpoints.js';
import type { ProgressMode } from './progress.js';
import type { OutputFormat, Sector } from './types.js';

/** A rank's share of a sector (src/generate/run-rank.ts): dialogue indices first, first + step, … */
export interface SectorSlice {
  wanted: number;
  first: number;
  step: number;
}

export interface GenerateOptions extends EndpointOverrides {
  sectors: readonly Sector[];
  /** Dialogues in all (split over sectors by sector_weights when there are several). */
  count: number;
  out: string;
  format: OutputFormat;
  seed: number;
  /** Dialogues in flight (and seed requests in flight while building openings). */
  concurrency: number;
  configPath?: string;
  /** An already loaded config (tests); wins over configPath. */
  config?: GenerateConfig;
  rpm?: number;
  tpm?: number;
  materials?: string;
  entities?: string;
  /** Re-seed from this openings file instead of building openings. */
  openings?: string;
  openingsOnly?: boolean;
  maxRequests?: number;
  maxTokens?: number;
  maxCost?: number;
  maxRetries?: number;
  progress?: ProgressMode;
  progressIntervalMs?: number;
  /** fdatasync the journal after each batch (default true). */
  journalSync?: boolean;
  /** First Ctrl-C: start nothing new, let requests in flight finish and be journaled. */
  signal?: AbortSignal;
  /** Second Ctrl-C: abort requests in flight too. */
  hardSignal?: AbortSignal;
  /** A report to count into (lets a caller watch counters while running); a new one by default. */
  report?: Report;
  /** Where API keys are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A rank of a sharded run: per sector, what it produces (needs `openings`); replaces `count`. */
  slices?: Partial<Record<Sector, SectorSlice>>;
}
