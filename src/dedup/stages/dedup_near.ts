/** `dedup_near`: MinHash LSH over word shingles; a record similar to an earlier kept one is dropped. */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { nearDedup } from '../near.js';

export default defineStage({
  name: 'dedup_near',
  description: 'drop near duplicates above `threshold` Jaccard similarity (MinHash LSH); first in input order wins (reject near_duplicate)',
  kind: 'dedup',
  options: z.object({ threshold: z.number().gt(0).lt(1) }).strict(),
  scope: 'global',
  create: (o) => nearDedup({ threshold: o.threshold }),
});
