/** Hugging Face Hub export: the API the CLI and the pipeline script use. */
export { pushDataset, describePlan, DEFAULT_HUB_URL, type PushOptions, type PushResult, type FileAction } from './push.js';
export { buildDatasetCard, splitFrontMatter, GENERATED_HEADING, type DatasetCardInput } from './card.js';
export { inspectDataset, type LocalDataset, type LocalFile } from './folder.js';
export { arrowStreamToParquet } from './parquet.js';
export { featuresFromSchema, type YamlFeature } from './features.js';
export { findToken, requireToken } from './token.js';
export * from './errors.js';
