/** Worker-thread entry for `clean`: piscina calls the named export with one batch. */
import { cleanBatch } from './clean-batch.js';
import type { RawRecord, RejectMarker } from '../core/types.js';
import type { CleanOptions } from './clean-conversation.js';

export function clean({ batch, shared }: { batch: (RawRecord | RejectMarker)[]; shared: CleanOptions }) {
  return cleanBatch(batch, shared);
}
