/** `filter_mentions`: Tülu v2's identity filter — drop records that mention other models or labs (OpenAI, ChatGPT, Claude, …). */
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { loadList } from '../lists.js';
import { defaultMentions, mentionsFilter } from '../mentions.js';

export default defineStage({
  name: 'filter_mentions',
  description: 'drop records whose messages mention other models or labs (configs/identity_mentions.txt or `phrases`; case-insensitive substring, as Tülu v2) — reject mentions_other_model',
  kind: 'filter',
  options: z
    .object({
      /** A list file (one phrase a line) or a comma list; default configs/identity_mentions.txt. */
      phrases: z.string().optional(),
      /** Datasets (the `dataset` field, e.g. mix source names) left unchecked; Tülu v2: [hard_coded]. */
      except_datasets: z.array(z.string()).default([]),
    })
    .strict(),
  scope: 'record',
  create(o, env) {
    const spec = o.phrases === undefined || o.phrases.includes(',') ? o.phrases : resolve(env.cwd, o.phrases);
    const phrases = spec === undefined ? defaultMentions() : loadList(spec, 'filter_mentions phrases');
    return mentionsFilter({ phrases, exceptDatasets: o.except_datasets });
  },
});
