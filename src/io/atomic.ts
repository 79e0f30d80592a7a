/** Atomic output lives in core (every writer and the runner use it); re-exported here for the io stages. */
export * from '../core/atomic.js';
