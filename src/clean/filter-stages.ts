/** The dedup and filter stages `clean` runs after the per-record rules, in a fixed order. */
import type { Conversation } from '../core/types.js';
import type { Stage } from '../core/stage.js';

export interface FilterOptions {
  /** Exact dedup (on by default). */
  dedup?: boolean;
  /** Near-dedup Jaccard threshold (off when undefined). */
  nearDedup?: number;
  model?: string;
  modelInverse?: boolean;
  lang?: string[];
  blockedWords?: string;
  unwanted?: 'mask' | 'drop' | 'off';
  unwantedPhrases?: string;
  minTurns?: number;
  maxTurns?: number;
}

export async function buildFilterStages(_o: FilterOptions): Promise<Stage<Conversation, Conversation>[]> {
  return [];
}
