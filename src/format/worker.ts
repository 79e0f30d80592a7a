/**
 * Worker-thread entry for `tokenize --workers N` (piscina calls the named export `format` with one
 * batch). Each worker builds its own formatter once, from the same local tokenizer files as the
 * main thread, and returns rows in batch order: the main thread writes them in submission order.
 */
import type { Conversation, RejectMarker } from '../core/types.js';
import { formatMixed, type MixedOut } from './batch.js';
import { buildFormatter, type Built, type FormatterSetup } from './setup.js';

let built: Promise<Built> | undefined;
let key: string | undefined;

export async function format({ batch, shared }: { batch: (Conversation | RejectMarker)[]; shared: FormatterSetup }): Promise<MixedOut> {
  const k = JSON.stringify(shared);
  if (!built || key !== k) {
    key = k;
    built = buildFormatter(shared);
  }
  return formatMixed((await built).formatter, batch);
}
