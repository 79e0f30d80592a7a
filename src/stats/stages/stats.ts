/**
 * `stats`: measures every conversation that reaches it (turns, words, characters, MTLD exactly as
 * LexicalRichness computes it, distinct-n, gzip ratio) and tokenized dataset folders named in
 * `tokenized`; writes the JSON and the self-contained HTML report with the run's other outputs.
 * Records pass on unchanged.
 */
import { z } from 'zod';
import { Channel } from '../../core/channel.js';
import { defineStage } from '../../core/registry.js';
import { isReject, type Conversation, type RejectMarker } from '../../core/types.js';
import { fileOutput } from '../../core/outputs.js';
import { expandInputs } from '../../io/files.js';
import { computeStatsFrom } from '../compute.js';
import { renderHtmlReport } from '../html.js';
import { renderTable } from '../table.js';
import type { StatsResult } from '../types.js';
import { statsToJson } from '../write.js';

const Options = z
  .object({
    json: z.string().min(1).optional(),
    html: z.string().min(1).optional(),
    /** Tokenized dataset folders (write_hf output) to measure too. */
    tokenized: z.array(z.string().min(1)).default([]),
    sample: z.number().int().min(1).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    mtld_threshold: z.number().gt(0).lt(1).optional(),
    max_groups: z.number().int().min(1).max(10_000).optional(),
    /** Print the table on stdout (default true). */
    print: z.boolean().default(true),
  })
  .strict();

export default defineStage({
  name: 'stats',
  description: 'statistics of what reaches it (turns, lengths, MTLD as UltraChat measured it, distinct-n, gzip ratio) and of tokenized folders; JSON and HTML report',
  kind: 'stats',
  options: Options,
  scope: 'global',
  // The JSON is this stage's output: a ranked run puts its parts beside it.
  output: (o, env) => (o.json ? { path: env.resolve(o.json) } : undefined),
  create(o, env) {
    if (o.seed !== undefined && o.sample === undefined) throw new Error('seed only applies with sample');
    const at = env.resolve;
    const read = env.upstream.find((u) => u.name === 'read')?.options as { paths: string[]; format?: string } | undefined;
    const textPaths = read?.paths ?? [];
    const tokenized = o.tokenized.map(at);
    return {
      name: 'stats',
      async *run(input, ctx) {
        const text = textPaths.length > 0 || !read;
        const ch = new Channel<Conversation | RejectMarker>(64);
        const files = read ? await expandInputs(textPaths.map(at)).catch(() => textPaths) : [];
        const pending = computeStatsFrom(
          { inputs: [...textPaths, ...o.tokenized], records: text ? ch : undefined, files, tokenizedDirs: tokenized },
          { format: read?.format as never, sample: o.sample, seed: o.seed, mtldThreshold: o.mtld_threshold, maxGroups: o.max_groups },
        );
        pending.catch((e) => ch.fail(e));
        for await (const it of input) {
          if (text && (isReject(it) || Array.isArray((it as Conversation).turns))) await ch.push(it as Conversation);
          yield it;
        }
        ch.close();
        const result: StatsResult = await pending;
        if (o.json) ctx.outputs.add(fileOutput(at(o.json), () => statsToJson(result)));
        if (o.html) ctx.outputs.add(fileOutput(at(o.html), () => renderHtmlReport(result)));
        if (o.print) process.stdout.write(renderTable(result) + '\n');
      },
    };
  },
});
