/**
 * Pipeline files (pipelines/*.yaml): `{name, description, vars, steps}` where a step is
 * `{stage: NAME, ...options}`, `{branch: [steps]}`, or a sftforge subcommand `{name, run: [...]}`
 * (push, say, which needs the committed outputs). `${var}` is filled from --set, then `vars`, then
 * the environment; a step with `if_env: VAR` runs only when VAR is set. Consecutive stage steps form
 * one run: one pass over the input, every output committed together. Errors name FILE:LINE.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { ConfigError } from '../core/errors.js';
import type { PipelineSpec, StepSpec } from '../core/pipeline.js';

export interface CommandStep {
  name: string;
  run: string[];
}

/** One thing to do, in order: a run of stages or a subcommand. */
export type PipelinePart =
  | { kind: 'stages'; spec: PipelineSpec; whereOf: (path: (string | number)[]) => string }
  | { kind: 'command'; step: CommandStep; where: string }
  | { kind: 'skipped'; label: string; message: string };

export interface LoadedPipeline {
  name: string;
  description?: string;
  parts: PipelinePart[];
}

// Keys of a step that are the file's, not the stage's options.
const META = new Set(['if_env', 'skip_message', 'description']);

export async function loadPipelineFile(file: string, set: Record<string, string> = {}): Promise<LoadedPipeline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check the path of the pipeline file');
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const at = (path: (string | number)[]) => {
    const line = lineOf(path);
    return line ? `${file}:${line}` : file;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${file}:${e.linePos?.[0]?.line ?? '?'}`, `is not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const root = doc.toJS() as Record<string, unknown> | null;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new ConfigError(file, 'a pipeline file is a mapping {name, vars, steps}', 'see pipelines/openchat.yaml');
  for (const k of Object.keys(root))
    if (!['name', 'description', 'vars', 'steps'].includes(k)) throw new ConfigError(at([k]), `unknown key "${k}"`, 'a pipeline file has name, description, vars and steps');
  const vars: Record<string, string> = {};
  if (root.vars !== undefined) {
    if (typeof root.vars !== 'object' || root.vars === null || Array.isArray(root.vars)) throw new ConfigError(at(['vars']), 'vars: must be a mapping of names to values');
    for (const [k, v] of Object.entries(root.vars)) vars[k] = String(v);
  }
  Object.assign(vars, set);
  if (!Array.isArray(root.steps) || root.steps.length === 0)
    throw new ConfigError(at(['steps']), 'steps: must be a non-empty list', 'each step is {stage: NAME, ...options}, {branch: [...]} or {name, run: [subcommand, args...]}');
  const name = typeof root.name === 'string' ? root.name : file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  const fill = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      const out = expand(v, vars, at(path));
      // A value that is only `${var}` reads as YAML would read the text in its place (`max_len: ${len}` is a number).
      // (Unquoted only: a quoted "${var}" stays a string, as a quoted value does in YAML.)
      if (v === out || !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(v)) return out;
      const node = doc.getIn(path, true) as { type?: string } | undefined;
      return node?.type === 'PLAIN' ? scalar(out) : out;
    }
    if (Array.isArray(v)) return v.map((x, i) => fill(x, [...path, i]));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, [...path, k])]));
    return v;
  };

  const parts: PipelinePart[] = [];
  let group: { steps: StepSpec[]; orig: number[] } | undefined;
  const close = () => {
    if (!group) return;
    const orig = group.orig;
    parts.push({ kind: 'stages', spec: { name, steps: group.steps }, whereOf: (p) => at(['steps', orig[p[1] as number] ?? 0, ...p.slice(2)]) });
    group = undefined;
  };
  for (const [i, raw] of (root.steps as unknown[]).entries()) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(at(['steps', i]), 'a step must be {stage: NAME, ...}, {branch: [...]} or {name, run: [...]}');
    const step = raw as Record<string, unknown>;
    const label = String(step.name ?? step.stage ?? (step.branch ? 'branch' : `step ${i + 1}`));
    if (step.if_env !== undefined) {
      if (typeof step.if_env !== 'string') throw new ConfigError(at(['steps', i, 'if_env']), 'if_env: must be the name of an environment variable');
      if (!process.env[step.if_env]) {
        close();
        parts.push({ kind: 'skipped', label, message: typeof step.skip_message === 'string' ? step.skip_message : `${step.if_env} is not set` });
        continue;
      }
    }
    if ('run' in step) {
      if (!Array.isArray(step.run) || step.run.length === 0 || step.run.some((a) => typeof a !== 'string' && typeof a !== 'number')) {
        throw new ConfigError(at(['steps', i, 'run']), 'run: must be a list of strings: [subcommand, args...]');
      }
      close();
      parts.push({ kind: 'command', where: at(['steps', i]), step: { name: label, run: fill(step.run.map(String), ['steps', i, 'run']) as string[] } });
      continue;
    }
    const clean = Object.fromEntries(Object.entries(step).filter(([k]) => !META.has(k)));
    group ??= { steps: [], orig: [] };
    group.steps.push(fill(clean, ['steps', i]) as StepSpec);
    group.orig.push(i);
  }
  close();
  return { name, description: typeof root.description === 'string' ? root.description : undefined, parts };
}

function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** Fills `${name}` from vars, then the environment; an unknown name is an error, not an empty string. */
export function expand(arg: string, vars: Record<string, string>, where: string): string {
  return arg.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, k: string) => {
    if (k in vars) return vars[k]!;
    const env = process.env[k];
    if (env !== undefined) return env;
    throw new ConfigError(where, `\${${k}} is not defined`, `define it under vars: or pass --set ${k}=VALUE`);
  });
}
