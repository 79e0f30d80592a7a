/** Bounded JSON for quarantine lines lives in core; re-exported here for the readers. */
export * from '../core/safe-json.js';
