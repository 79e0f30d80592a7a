/**
 * The two kinds of sftforge output that can be pushed, as read from disk:
 * - `tokenized`: a `save_to_disk`-style folder with `sftforge.json` (the manifest written by
 *   `sftforge tokenize`), Arrow IPC stream shards, and maybe `stats.json`;
 * - `jsonl`: a cleaned or generated `NAME.jsonl` with the run report `NAME.report.json` beside it.
 * Only the fields the push relies on are required; the rest is read defensively, since the card
 * should still be written when a newer sftforge adds or renames a detail.
 */
import { z } from 'zod';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex sha256');
const count = z.number().int().nonnegative();
const counts = z.record(z.string(), z.number()).catch({});

export const ShardSchema = z.looseObject({
  file: z.string().min(1),
  rows: count,
  bytes: count,
  sha256: hex64,
});

export const RunReportSchema = z.looseObject({
  stage: z.string().optional().catch(undefined),
  records_in: count.optional().catch(undefined),
  records_out: count.optional().catch(undefined),
  rejects: counts.optional(),
  repairs: counts.optional(),
  counters: counts.optional(),
});

export const ManifestSchema = z.looseObject({
  sftforge_version: z.string().optional().catch(undefined),
  kind: z.literal('tokenized'),
  /** `hf` (save_to_disk Arrow shards, the default) or `parquet-openchat` (one Parquet file). */
  format: z.string().optional().catch(undefined),
  pipeline: z.string().optional().catch(undefined),
  template: z.string().optional().catch(undefined),
  tokenizer: z.string().optional().catch(undefined),
  max_len: z.number().optional().catch(undefined),
  chunk: z.unknown().optional(),
  pack: z.unknown().optional(),
  rows: count.optional().catch(undefined),
  shards: z.array(ShardSchema).min(1, 'lists no shard'),
  features: z.unknown().optional(),
  report: RunReportSchema.optional().catch(undefined),
  added_tokens: z.array(z.unknown()).optional().catch(undefined),
});

export type ShardEntry = z.infer<typeof ShardSchema>;
export type RunReport = z.infer<typeof RunReportSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** One line per problem: `shards[1].sha256: expected a hex sha256`. */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map(
      (i) =>
        `${
          i.path.length
            ? i.path
                .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
                .join('')
                .replace(/^\./, '') + ': '
            : ''
        }${i.message}`,
    )
    .join('; ');
}

/** Statistics are another stage's output: keep any JSON object, never fail the push on them. */
export function asStats(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
