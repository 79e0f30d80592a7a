/**
 * UltraChat paper (Ding et al. 2023, "Enhancing Chat Language Models by Scaling High-quality
 * Instructional Conversations"), Table 4, lexical diversity column: MTLD averaged over each
 * utterance with LexicalRichness. Shown beside the user's figure for comparison.
 */
import type { PaperRow } from './types.js';

export const PAPER_TABLE4: readonly PaperRow[] = [
  { dataset: 'Self-Instruct', mtld: 24.9 },
  { dataset: 'Stanford Alpaca', mtld: 42.8 },
  { dataset: 'SODA', mtld: 38.6 },
  { dataset: 'GPT-4-LLM', mtld: 48.9 },
  { dataset: 'BELLE', mtld: 35.9 },
  { dataset: 'Baize', mtld: 67.1 },
  { dataset: 'GPT4ALL', mtld: 62.7 },
  { dataset: 'UltraChat', mtld: 74.3 },
];
