/**
 * Pipelines as data: `{name, steps}` where a step is `{stage: NAME, ...options}` or
 * `{branch: [steps]}` — exactly what a pipeline file holds and what `runPipeline` takes.
 * `buildPipeline` turns it into checked nodes: every name known, every option valid against its
 * stage's schema, with the step's place (file:line when it came from a file) in each message.
 */
import { ConfigError, UsageError } from './errors.js';
import { buildEnv, loadStage, preloadStages, stageNames, type BuildEnv, type StageDef, type StageOutput } from './registry.js';
import type { Stage } from './stage.js';

export type StepSpec = ({ stage: string } & Record<string, unknown>) | { branch: StepSpec[] };

export interface PipelineSpec {
  name?: string;
  steps: StepSpec[];
}

export interface StageNode {
  type: 'stage';
  /** Position in the pipeline: "3", or "2.1" for the second step of the branch at step 2. */
  key: string;
  def: StageDef;
  options: unknown;
  stage: Stage;
  where: string;
  output?: StageOutput;
}

export interface BranchNode {
  type: 'branch';
  key: string;
  steps: Node[];
  where: string;
}

export type Node = StageNode | BranchNode;

export interface BuiltPipeline {
  name: string;
  steps: Node[];
  /** The spec it was built from (ranks store it in their marker; merge rebuilds from it). */
  spec: PipelineSpec;
  cwd: string;
}

export interface BuildOptions {
  cwd?: string;
  /** Where a step came from, for messages: `file:line`. Default `step N`. */
  whereOf?: (path: (string | number)[]) => string;
  /** The file the spec came from (messages). */
  file?: string;
}

export async function buildPipeline(spec: PipelineSpec, o: BuildOptions = {}): Promise<BuiltPipeline> {
  const cwd = o.cwd ?? process.cwd();
  const file = o.file ?? 'pipeline';
  const whereOf = o.whereOf ?? ((p: (string | number)[]) => `${file}: ${p.join('.')}`);
  if (!spec || !Array.isArray(spec.steps) || spec.steps.length === 0) {
    throw new ConfigError(file, 'has no steps', 'a pipeline is {name, steps: [{stage: NAME, ...options}, ...]}');
  }
  // Every step's stage file loads now, side by side; the loop below then awaits each in turn.
  preloadStages(stageNamesIn(spec.steps));
  const build = async (steps: StepSpec[], path: (string | number)[], keyPrefix: string, upstream0: BuildEnv['upstream']): Promise<Node[]> => {
    const out: Node[] = [];
    const upstream = [...upstream0];
    for (const [i, step] of steps.entries()) {
      const here = [...path, i];
      const where = whereOf(here);
      const key = `${keyPrefix}${i}`;
      if (typeof step !== 'object' || step === null) throw new ConfigError(where, 'a step must be {stage: NAME, ...options} or {branch: [...]}');
      if ('branch' in step) {
        const extra = Object.keys(step).filter((k) => k !== 'branch');
        if (extra.length) throw new ConfigError(where, `a branch step takes only "branch", not ${extra.join(', ')}`);
        if (!Array.isArray(step.branch) || step.branch.length === 0) throw new ConfigError(where, 'branch: must be a non-empty list of steps');
        out.push({ type: 'branch', key, where, steps: await build(step.branch, [...here, 'branch'], `${key}.`, upstream) });
        continue;
      }
      const name = (step as { stage?: unknown }).stage;
      if (typeof name !== 'string') throw new ConfigError(where, 'a step needs "stage: NAME" (or "branch:")', `known stages: ${stageNames().join(', ')}`);
      const def = await loadStage(name);
      if (!def) throw new ConfigError(where, `unknown stage "${name}"`, `known stages: ${stageNames().join(', ')} (sftforge stages lists them with their options)`);
      const { stage: _, ...raw } = step as Record<string, unknown>;
      const parsed = def.options.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const at = issue.path.length ? `${issue.path.join('.')}: ` : '';
        throw new ConfigError(whereOf([...here, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))]), `${name}: ${at}${issue.message}`, `sftforge stages ${name} lists its options`);
      }
      const env = buildEnv(cwd, where, [...upstream]);
      if (def.scope === 'source' && !(keyPrefix === '' && i === 0)) {
        throw new ConfigError(where, `${name} produces records: it must be the first step of the pipeline`);
      }
      if (def.scope !== 'source' && keyPrefix === '' && i === 0) {
        throw new ConfigError(where, `the first step must produce records (read, generate, mix), not ${name}`);
      }
      let stage: Stage;
      try {
        stage = await def.create(parsed.data, env);
      } catch (e) {
        // From a file, the step's place; from a subcommand or a library call, the stage's own words.
        if (o.file && (e instanceof UsageError || e instanceof ConfigError)) throw new ConfigError(where, `${name}: ${(e as Error).message}`);
        if (!o.file && e instanceof Error && !(e instanceof UsageError) && !(e instanceof ConfigError) && e.constructor === Error) throw new UsageError(`${name}: ${e.message}`);
        throw e;
      }
      out.push({ type: 'stage', key, def, options: parsed.data, stage, where, output: def.output?.(parsed.data, env) });
      upstream.push({ name, options: parsed.data, stage });
    }
    return out;
  };
  const steps = await build(spec.steps, ['steps'], '', []);
  return { name: spec.name ?? 'pipeline', steps, spec, cwd };
}

/** Every stage node, depth first in step order (branches where they stand). */
export function* walk(nodes: readonly Node[]): Generator<StageNode> {
  for (const n of nodes) {
    if (n.type === 'stage') yield n;
    else yield* walk(n.steps);
  }
}

/** The stage names of steps and of their branches, at any depth (malformed steps are skipped: the build reports them). */
function* stageNamesIn(steps: unknown): Generator<string> {
  if (!Array.isArray(steps)) return;
  for (const step of steps) {
    if (typeof step !== 'object' || step === null) continue;
    const { stage, branch } = step as { stage?: unknown; branch?: unknown };
    if (typeof stage === 'string') yield stage;
    yield* stageNamesIn(branch);
  }
}
