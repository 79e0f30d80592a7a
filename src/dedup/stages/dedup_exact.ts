/**
 * `dedup_exact`: xxhash64 over roles and normalised contents; the first occurrence in input order
 * wins (src/dedup/exact.ts says exactly what is hashed). It needs every record before it in input
 * order, so in a ranked job it runs at merge.
 */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { exactDedup } from '../exact.js';

export default defineStage({
  name: 'dedup_exact',
  description: 'drop exact duplicates (same roles and contents after NFC and whitespace folding); first in input order wins (reject duplicate)',
  kind: 'dedup',
  options: z.object({ remember_ids: z.boolean().default(true) }).strict(),
  scope: 'global',
  create: (o) => exactDedup({ rememberIds: o.remember_ids }),
});
