/**
 * `mix`: a source stage that reads every source of a mixture itself (with the format converters
 * of src/io/formats), takes each source's amount as open-instruct's dataset_mixer_list does and
 * emits one seeded shuffle of them. The mixture is a file (`file:`) or given inline (`sources:`).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { defineStage } from '../../core/registry.js';
import { isReject } from '../../core/types.js';
import { runMixture } from '../mix.js';
import { buildMixture, loadMixture, type Mixture, Source } from '../mixture.js';

const Options = z
  .object({
    /** A mixture YAML file (configs/mixtures/tulu_v2.yaml); relative to the working directory. */
    file: z.string().min(1).optional(),
    /** Or the sources inline, as in a mixture file. */
    sources: z.array(Source).min(1).optional(),
    /** Overrides the file's seed (default 42). */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    /** false keeps sources in order (each source's rows in selection order). */
    shuffle: z.boolean().optional(),
    /** Values for `${var}` in source paths; win over the file's `vars:` and the environment. */
    vars: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export default defineStage({
  name: 'mix',
  description:
    'read the sources of a mixture (any input format), take each one\'s amount ("0.5" fraction or "30000" count, upsampling past its size) and emit one seeded shuffle; `dataset` = source name',
  kind: 'mix',
  options: Options,
  scope: 'source',
  create(o, env) {
    let m: Mixture;
    if (o.file !== undefined && o.sources === undefined) {
      m = loadMixture(resolve(env.cwd, o.file), { vars: o.vars, cwd: env.cwd, seed: o.seed, shuffle: o.shuffle });
    } else if (o.sources !== undefined && o.file === undefined) {
      m = buildMixture({ seed: o.seed ?? 42, shuffle: o.shuffle ?? true, vars: {}, sources: o.sources }, (i, k) => `${env.where}: sources[${i}].${k}`, { vars: o.vars, cwd: env.cwd });
    } else {
      throw new UsageError(`${env.where}: mix needs either \`file\` or \`sources\``, 'give a mixture file (file: configs/mixtures/tulu_v2.yaml) or list the sources inline');
    }
    return {
      name: 'mix',
      async *run(input, ctx) {
        // A source stage: anything before it can only be rejects to pass on.
        for await (const item of input) if (isReject(item)) yield item;
        yield* runMixture(m, ctx);
      },
    };
  },
});
