/** `filter_unwanted`: "As an AI language model" and kin — mask the reply (weight 0, as OpenChat does) or drop the record. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { unwantedFilter, unwantedPhrasesFromSpec } from '../unwanted.js';

export default defineStage({
  name: 'filter_unwanted',
  description: "unwanted phrases (configs/unwanted_phrases.txt or `phrases`): `mode: mask` sets that reply's weight to 0, `drop` rejects (unwanted_phrase)",
  kind: 'filter',
  options: z.object({ mode: z.enum(['mask', 'drop']), phrases: z.string().optional() }).strict(),
  scope: 'record',
  create(o, env) {
    const spec = o.phrases === undefined || o.phrases.includes(',') ? o.phrases : resolve(env.cwd, o.phrases);
    return unwantedFilter({ mode: o.mode, phrases: unwantedPhrasesFromSpec(spec) });
  },
});
