/**
 * `filter_score`: keeps records whose judge score `record.scores[name]` lies in [min, max]
 * (inclusive); a per-turn score list counts by its lowest score. Others are rejected `low_score`
 * (a score above max too: one reason, the detail says which bound), as is a record with no score
 * by that name.
 */
import { z } from 'zod';
import { defineStage } from '../../core/registry.js';
import { mapStage } from '../../core/stage.js';
import { reject, type Conversation } from '../../core/types.js';

const options = z
  .object({
    /** The judge's name (its `name:`, or its protocol: autoj, mtbench, custom). */
    name: z.string().min(1),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
  .refine((o) => o.min !== undefined || o.max !== undefined, { message: 'give min, max or both' })
  .refine((o) => o.min === undefined || o.max === undefined || o.min <= o.max, { message: 'min must not exceed max' });

/** The score a record is filtered by: the number, or the lowest of a per-turn list. */
export function effectiveScore(s: number | number[] | undefined): number | undefined {
  if (typeof s === 'number') return Number.isFinite(s) ? s : undefined;
  if (Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'number' && Number.isFinite(x))) return Math.min(...s);
  return undefined;
}

export default defineStage({
  name: 'filter_score',
  description: 'keep records whose judge score is within min..max (per-turn scores: the lowest); others rejected low_score',
  kind: 'filter',
  options,
  scope: 'record',
  create(o) {
    return mapStage<Conversation, Conversation>('filter_score', (rec) => {
      const raw = rec.scores?.[o.name];
      const s = effectiveScore(raw);
      const bounds = `${o.min !== undefined ? `min ${o.min}` : ''}${o.min !== undefined && o.max !== undefined ? ', ' : ''}${o.max !== undefined ? `max ${o.max}` : ''}`;
      if (s === undefined) return reject({ reason: 'low_score', detail: `no score named ${o.name} (${bounds})`, source: rec.source, id: rec.id, record: rec });
      if ((o.min !== undefined && s < o.min) || (o.max !== undefined && s > o.max)) {
        const shown = Array.isArray(raw) ? `lowest of [${raw.join(', ')}] = ${s}` : String(s);
        return Object.assign(reject({ reason: 'low_score', detail: `${o.name} score ${shown} outside ${bounds}`, source: rec.source, id: rec.id, record: rec }), { score: s });
      }
      return rec;
    });
  },
});
