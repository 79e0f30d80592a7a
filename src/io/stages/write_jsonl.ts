/**
 * `write_jsonl`: conversations as ShareGPT JSONL (`{id, conversations:[{from, value}], model?}`),
 * in the order they arrive, with `PATH.rejects.jsonl` (every record dropped on the way here, with
 * its reason and source position) and `PATH.report.json` beside it. Records pass on, so a
 * pipeline can write several outputs.
 */
import { z } from 'zod';
import { committable } from '../../core/outputs.js';
import { defineStage, type BuildEnv, type StageOutput } from '../../core/registry.js';
import type { Stage, StageContext } from '../../core/stage.js';
import { isReject, type Conversation } from '../../core/types.js';
import { JsonLine, precomputedLine } from '../../core/precomputed.js';
import { JsonlWriter } from '../atomic.js';
import { toShareGpt } from '../normalize.js';

/** `out/x.jsonl` → `out/x` + suffix: where a writer's quarantine and report go by default. */
export function sidecar(output: string, suffix: string): string {
  return output.replace(/[\\/]+$/, '').replace(/\.jsonl?$/i, '') + suffix;
}

/** Where a writer's quarantine and report go when its options do not say (undefined: none). */
export interface SidecarDefaults {
  rejects(path: string): string | undefined;
  report(path: string): string | undefined;
}

const BESIDE: SidecarDefaults = { rejects: (p) => sidecar(p, '.rejects.jsonl'), report: (p) => sidecar(p, '.report.json') };

/** The output, quarantine and report paths of any writer (`false` turns a sidecar off). */
export function writerOutput(o: { path: string; rejects?: string | false; report?: string | false }, env: Pick<BuildEnv, 'resolve'>, defaults: SidecarDefaults = BESIDE): StageOutput {
  const path = env.resolve(o.path).replace(/[\\/]+$/, '');
  const side = (v: string | false | undefined, d: (p: string) => string | undefined) => (v === false ? undefined : v !== undefined ? env.resolve(v) : d(path));
  return { path, rejects: side(o.rejects, defaults.rejects), report: side(o.report, defaults.report) };
}

/** Options every writer shares. */
export const WriterOptions = z.object({
  path: z.string().min(1),
  /** Quarantine JSONL (default PATH.rejects.jsonl; false: none). */
  rejects: z.union([z.string().min(1), z.literal(false)]).optional(),
  /** Report JSON (default PATH.report.json; false: none). */
  report: z.union([z.string().min(1), z.literal(false)]).optional(),
});

/**
 * The body of every JSON-lines writer: each record becomes zero or more lines in a file committed
 * with the run; every item passes on, so a pipeline can write several outputs.
 */
export function jsonLinesStage(name: string, path: string, lines: (rec: Conversation, ctx: StageContext) => unknown[]): Stage {
  return {
    name,
    async *run(input, ctx) {
      const writer = await new JsonlWriter(path).open();
      ctx.outputs.add(committable(writer));
      for await (const item of input) {
        if (!isReject(item)) for (const line of lines(item as Conversation, ctx)) await (line instanceof JsonLine ? writer.writeLine(line.bytes) : writer.write(line));
        yield item;
      }
    },
  };
}

export default defineStage({
  name: 'write_jsonl',
  description: 'write conversations as ShareGPT JSONL, with PATH.rejects.jsonl and PATH.report.json beside it',
  kind: 'io',
  options: WriterOptions.strict(),
  scope: 'global',
  output: (o, env) => writerOutput(o, env),
  create: (o, env) =>
    jsonLinesStage('write_jsonl', writerOutput(o, env).path, (c) => {
      // The line a clean worker serialised, when the record is still what it serialised.
      const pre = precomputedLine(c);
      return [pre !== undefined ? new JsonLine(pre) : toShareGpt(c)];
    }),
});
