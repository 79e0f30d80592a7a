/** `filter_blocked_words`: FastChat's blocked-words rule (configs/blocked_words_fastchat.txt, or your list). */
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { blockedWordsFilter, blockedWordsFromSpec } from '../blocked-words.js';

export default defineStage({
  name: 'filter_blocked_words',
  description: 'drop conversations containing any listed word: `words` is a file (one per line), a comma list or a list (reject blocked_words)',
  kind: 'filter',
  options: z.object({ words: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) }).strict(),
  scope: 'record',
  create(o, env) {
    const spec = Array.isArray(o.words) ? o.words.join(',') : o.words.includes(',') || !/[/.]/.test(o.words) ? o.words : resolve(env.cwd, o.words);
    return blockedWordsFilter(blockedWordsFromSpec(spec));
  },
});
