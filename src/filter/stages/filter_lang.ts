/** `filter_lang`: keep conversations in these languages (eld, loaded only when this stage runs). */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { languageFilter, parseLangs } from '../language.js';

export default defineStage({
  name: 'filter_lang',
  description: 'keep conversations whose language (eld, from the user turns) is one of `langs` (ISO 639-1; reject language)',
  kind: 'filter',
  options: z.object({ langs: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]), eld_model: z.enum(['large', 'medium', 'small']).default('large') }).strict(),
  scope: 'record',
  create: (o) => languageFilter({ langs: parseLangs(o.langs), eldModel: o.eld_model }),
});
