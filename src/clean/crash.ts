/**
 * What a record becomes when cleaning it alone kills a worker (see exec/pool.ts `onCrash`). Apart
 * from ./clean-batch.ts so that the main thread, which only hands batches to the workers, does not
 * load the HTML converter.
 */
import { describeCrash } from '../core/errors.js';
import { isReject, reject, type RawRecord, type RejectMarker } from '../core/types.js';
import { DEFAULT_READ_LIMITS, inspectJson } from '../io/limits.js';
import type { CleanedItem } from './clean-batch.js';

export function crashedClean(raw: RawRecord | RejectMarker, error: Error): CleanedItem[] {
  if (isReject(raw)) return [{ out: raw }];
  const id = raw.id ?? (raw.text !== undefined ? inspectJson(raw.text, DEFAULT_READ_LIMITS.maxDepth).id : undefined);
  return [{ out: reject({ reason: 'worker_crash', detail: describeCrash(error), source: raw.source, id, record: raw.text ?? raw.value }) }];
}
