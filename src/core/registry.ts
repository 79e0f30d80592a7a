/**
 * Stage definitions: each stage file default-exports `defineStage({...})` with its snake_case
 * name, a one-line description, a zod schema for its options and how it runs under ranks. The
 * table of names (src/stages.ts, one line per stage) loads a definition only when it is used,
 * so that a command starts without importing every feature.
 */
import { resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import type { Stage } from './stage.js';
import type { StageStats } from './stats.js';

/**
 * How a stage runs when a job is split over ranks:
 * - `source`: produces the input (a reader, a generator) and takes its share with `ctx.mine`;
 * - `record`: handles each record on its own, so every rank runs it on its share;
 * - `global`: needs every record in input order (dedup, packing, statistics, mixing, writers):
 *   it runs once, at merge, on the ranks' joined parts.
 */
export type StageScope = 'source' | 'record' | 'global';

export interface StageOutput {
  /** The main output (a file, a folder or a prefix); a ranked run puts its parts in its folder. */
  path: string;
  /** Quarantine JSONL of this output (omit for none). */
  rejects?: string;
  /** Report JSON of this output (omit for none). */
  report?: string;
}

/** What a stage factory gets besides its options. */
export interface BuildEnv {
  /** Folder that relative paths resolve against (the current directory, as on the command line). */
  cwd: string;
  /** Label for messages: the pipeline file and step, e.g. `pipelines/openchat.yaml:12 (clean)`. */
  where: string;
  /** A path from the options, as the user means it: relative to `cwd` (kept as written when cwd is the current directory, so messages show it as typed). */
  resolve(path: string): string;
  /** The stages before this one on its path, nearest last (a writer finds the tokenizer it writes for). */
  upstream: readonly { name: string; options: unknown; stage: Stage }[];
}

export interface StageDef<O = any> {
  readonly name: string;
  readonly description: string;
  /** The folder of src/ it lives in: read, clean, filter, dedup, format, generate, judge, stats, write, mix. */
  readonly kind: string;
  readonly options: z.ZodType<O>;
  readonly scope: StageScope;
  /** Takes raw (unparsed) records from `read`; any other stage gets them parsed and normalised. */
  readonly raw?: boolean;
  /** Readers: turns a raw record (unparsed, as `raw` stages take it) into records or rejects. */
  parse?(item: unknown, stats: StageStats): Iterable<unknown>;
  /** Writers: where their output, quarantine and report go. */
  output?(o: O, env: BuildEnv): StageOutput | undefined;
  /** What the stage reads besides its options (input files and sizes): part of a ranked job's fingerprint, so a changed input is another job. */
  identity?(o: O, env: BuildEnv): Promise<unknown>;
  /** Checks that need more than the schema (files exist, a template renders): throw UsageError. */
  create(o: O, env: BuildEnv): Stage | Promise<Stage>;
}

export function defineStage<O>(def: StageDef<O>): StageDef<O> {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) throw new Error(`stage name ${def.name} is not snake_case`);
  return def;
}

export type StageLoader = () => Promise<{ default: StageDef }>;

/** The table of stages, filled by src/stages.ts (core imports no feature). */
const table = new Map<string, StageLoader>();

export function registerStages(loaders: Record<string, StageLoader>): void {
  for (const [name, load] of Object.entries(loaders)) table.set(name, load);
}

export function stageNames(): string[] {
  return [...table.keys()].sort();
}

/**
 * Starts importing these stages' files at once, without waiting: `buildPipeline` then finds them
 * loaded instead of fetching each file graph in turn (start-up, issue #16). Unknown names and
 * failures are left to `loadStage`, which reports them.
 */
export function preloadStages(names: Iterable<string>): void {
  for (const name of names)
    table
      .get(name)?.()
      .catch(() => undefined);
}

export async function loadStage(name: string): Promise<StageDef | undefined> {
  const load = table.get(name);
  if (!load) return undefined;
  const def = (await load()).default;
  if (def.name !== name) throw new Error(`stage table says ${name} but its file defines ${def.name}`);
  return def;
}

/** The environment of a step built in `cwd`. */
export function buildEnv(cwd: string, where: string, upstream: BuildEnv['upstream'] = []): BuildEnv {
  return { cwd, where, upstream, resolve: (p) => (cwd === process.cwd() ? p : resolvePath(cwd, p)) };
}
