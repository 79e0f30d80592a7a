/** Dataset statistics: MTLD (LexicalRichness-compatible), lengths, distinct-n, gzip, tokens. */
export { lexTokenize, mtld, mtldTokens, mtldIds } from './mtld.js';
export { computeStats, DEFAULT_MTLD_THRESHOLD, DEFAULT_MAX_GROUPS } from './compute.js';
export { renderHtmlReport, chartSpecs, type ChartSpec } from './html.js';
export { renderTable } from './table.js';
export { writeStats, statsToJson, type WriteStatsOptions } from './write.js';
export { tokenizedStats, isTokenizedFolder, IGNORE_INDEX } from './tokenized.js';
export { Distribution } from './quantiles.js';
export { DistinctCounter } from './distinct.js';
export { Reservoir, Prng } from './sample.js';
export { PAPER_TABLE4 } from './paper.js';
export type * from './types.js';
export { runStats, type RunStatsOptions } from './run.js';
