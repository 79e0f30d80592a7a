/** `filter_turns`: bounds on the number of user+assistant turns. */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { turnsFilter, validateTurnsOptions } from '../turns.js';

export default defineStage({
  name: 'filter_turns',
  description: 'keep conversations with min_turns..max_turns user+assistant turns (reject min_turns / max_turns)',
  kind: 'filter',
  options: z.object({ min_turns: z.number().int().min(0).optional(), max_turns: z.number().int().min(1).optional() }).strict(),
  scope: 'record',
  create(o) {
    const opts = { minTurns: o.min_turns, maxTurns: o.max_turns };
    validateTurnsOptions(opts);
    return turnsFilter(opts);
  },
});
