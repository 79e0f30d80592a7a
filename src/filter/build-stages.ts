import type { Stage } from '../core/stage.js';
import { UsageError } from '../core/errors.js';
import { exactDedup } from '../dedup/exact.js';
import { nearDedup } from '../dedup/near.js';
import { modelFilter } from './model.js';
import { turnsFilter } from './turns.js';
import { blockedWordsFilter, blockedWordsFromSpec } from './blocked-words.js';
import { unwantedFilter, unwantedPhrasesFromSpec } from './unwanted.js';
import { languageFilter, parseLangs, type EldModel } from './language.js';

/** Same fields as src/clean/filter-stages.ts `FilterOptions` (plus eldModel). */
export interface CleaningFilterOptions {
  /** Exact dedup (on unless false). */
  dedup?: boolean;
  /** Near-dedup Jaccard threshold in (0, 1); off when undefined. */
  nearDedup?: number;
  model?: string;
  modelInverse?: boolean;
  lang?: string[];
  eldModel?: EldModel;
  /** A file (one word per line) or a comma list. */
  blockedWords?: string;
  unwanted?: 'mask' | 'drop' | 'off';
  /** A file or a comma list; default configs/unwanted_phrases.txt. */
  unwantedPhrases?: string;
  minTurns?: number;
  maxTurns?: number;
}

export async function buildCleaningFilters(o: CleaningFilterOptions): Promise<Stage[]> {
  const stages: Stage[] = [];
  if (o.modelInverse && o.model === undefined) throw new UsageError('--model-inverse needs --model', 'e.g. --model "Model: GPT-4" --model-inverse');
  if (o.model !== undefined) stages.push(modelFilter({ model: o.model, inverse: o.modelInverse }));
  if (o.minTurns !== undefined || o.maxTurns !== undefined) stages.push(turnsFilter({ minTurns: o.minTurns, maxTurns: o.maxTurns }));
  if (o.dedup !== false) stages.push(exactDedup());
  if (o.blockedWords !== undefined) stages.push(blockedWordsFilter(blockedWordsFromSpec(o.blockedWords)));
  if (o.unwanted !== undefined && o.unwanted !== 'off') {
    stages.push(unwantedFilter({ mode: o.unwanted, phrases: unwantedPhrasesFromSpec(o.unwantedPhrases) }));
  } else if (o.unwantedPhrases !== undefined) {
    throw new UsageError('--unwanted-phrases given without --unwanted mask|drop', 'add --unwanted mask (keep, untrain the turn) or --unwanted drop');
  }
  if (o.lang !== undefined && o.lang.length > 0) stages.push(languageFilter({ langs: parseLangs(o.lang), eldModel: o.eldModel }));
  if (o.nearDedup !== undefined) {
    if (!(o.nearDedup > 0 && o.nearDedup < 1)) throw new UsageError(`--near-dedup must be a similarity in (0, 1), got ${o.nearDedup}`, 'e.g. --near-dedup 0.8');
    stages.push(nearDedup({ threshold: o.nearDedup }));
  }
  return stages;
}
