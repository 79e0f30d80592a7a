/** The dedup and filter stages `clean` runs after the per-record rules (order: src/filter/build-stages.ts). */
export { buildCleaningFilters as buildFilterStages, type CleaningFilterOptions as FilterOptions } from '../filter/build-stages.js';
