/**
 * Declarative pipeline files (pipelines/*.yaml): a list of steps, each a sftforge subcommand with
 * its arguments, `${var}` placeholders filled from `vars` and the command line. Validated with zod
 * so a typo is reported with its file and path, not discovered halfway through a run.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

const Step = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    run: z.array(z.string()).min(1),
    /** Run the step only when this environment variable is set and non-empty. */
    if_env: z.string().optional(),
    /** Printed when the step is skipped because `if_env` is unset. */
    skip_message: z.string().optional(),
  })
  .strict();

const PipelineFile = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    vars: z.record(z.string(), z.string()).default({}),
    steps: z.array(Step).min(1),
  })
  .strict();

export type PipelineStep = z.infer<typeof Step>;
export type PipelineDef = z.infer<typeof PipelineFile>;

export async function loadPipeline(file: string): Promise<PipelineDef> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, `cannot be read as YAML: ${(e as Error).message}`);
  }
  const res = PipelineFile.safeParse(doc);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new ConfigError(file, `${issue.path.join('.') || '(top level)'}: ${issue.message}`, 'see pipelines/openchat.yaml for the shape: {name, vars, steps: [{name, run: [subcommand, args...]}]}');
  }
  return res.data;
}

/** Fills `${name}` from vars, then the environment; an unknown name is an error, not an empty string. */
export function expand(arg: string, vars: Record<string, string>, file: string): string {
  return arg.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, k: string) => {
    if (k in vars) return vars[k]!;
    const env = process.env[k];
    if (env !== undefined) return env;
    throw new ConfigError(file, `\${${k}} is not defined`, `define it under vars: or pass --set ${k}=VALUE`);
  });
}
