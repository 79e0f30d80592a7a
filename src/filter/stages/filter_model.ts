/** `filter_model`: OpenChat's GPT-4 filter — keep records whose `model` field is this (or, inverted, is not). */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { modelFilter } from '../model.js';

export default defineStage({
  name: 'filter_model',
  description: 'keep records whose model field equals `model` (e.g. "Model: GPT-4"); `inverse` keeps the others (reject model_filter)',
  kind: 'filter',
  options: z.object({ model: z.string(), inverse: z.boolean().default(false) }).strict(),
  scope: 'record',
  create: (o) => modelFilter({ model: o.model, inverse: o.inverse }),
});
