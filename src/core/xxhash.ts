/**
 * The one xxHash instance (WASM) every hashing module shares: instantiated once at import, by
 * top-level await, so hashing is synchronous everywhere (main thread and workers) and no stage
 * needs an async init.
 */
import xxhash from 'xxhash-wasm';

export const xx = await xxhash();
