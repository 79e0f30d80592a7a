/**
 * Mixture files: `{seed, sources: [{name, path, format, amount, options}]}` in YAML, validated
 * with zod; every error names FILE:LINE. Amounts must be quoted strings: YAML reads `1.0` as the
 * number 1, which would turn "all of it" into "one record". Paths may hold `${var}` filled from
 * the caller's vars, then the file's `vars:`, then the environment.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { resolveFormat } from '../io/formats/index.js';
import type { FormatOptions } from '../io/formats/types.js';
import { type Amount, parseAmount } from './amounts.js';

export const SourceOptions = z
  .object({
    instruction_templates: z.enum(['fixed', 'open-instruct']).optional(),
    top_k_reply: z.number().int().positive().optional(),
    branches: z.enum(['current', 'all']).optional(),
    zero_shot: z.number().int().nonnegative().optional(),
    few_shot: z.number().int().nonnegative().optional(),
    n_few_shot: z.number().int().nonnegative().optional(),
  })
  .strict();

export const Source = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a name of letters, digits, _ . - (it names the report counters)'),
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    format: z.string().default('auto'),
    amount: z.string({ error: 'amount must be a quoted string: "0.5" (a fraction) or "30000" (a count)' }),
    options: SourceOptions.default({}),
  })
  .strict();

export const MixtureFile = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    shuffle: z.boolean().default(true),
    vars: z.record(z.string(), z.string()).default({}),
    sources: z.array(Source).min(1),
  })
  .strict();

export interface MixSource {
  name: string;
  paths: string[];
  format: string;
  amount: Amount;
  options: FormatOptions;
}

export interface Mixture {
  seed: number;
  shuffle: boolean;
  sources: MixSource[];
}

export function formatOptionsOf(o: z.infer<typeof SourceOptions>, seed: number, name: string): FormatOptions {
  return {
    instructionTemplates: o.instruction_templates,
    topKReply: o.top_k_reply,
    branches: o.branches,
    zeroShot: o.zero_shot,
    fewShot: o.few_shot,
    nFewShot: o.n_few_shot,
    seed,
    dataset: name,
  };
}

/** Line (1-based) of the node at `path`, or of the closest parent that exists. */
function lineOf(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}

function expandVars(s: string, vars: Readonly<Record<string, string>>, where: string): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, k: string) => {
    const v = vars[k] ?? process.env[k];
    if (v === undefined) throw new ConfigError(where, `\${${k}} is not set`, `set it under vars: in the mixture, pass --var ${k}=PATH, or export ${k}`);
    return v;
  });
}

/**
 * A parsed mixture. `vars` (from the command line or the stage options) win over the file's.
 * Relative paths resolve against `cwd` (the command line's folder), as every other path.
 */
export function parseMixture(text: string, file: string, o: { vars?: Record<string, string>; cwd?: string; seed?: number; shuffle?: boolean } = {}): Mixture {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${file}:${lc.linePos(e.pos[0]).line}`, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  // Refuse unquoted amounts before zod: the message must say to quote them.
  const sources = doc.get('sources', true);
  if (isSeq(sources)) {
    sources.items.forEach((item, i) => {
      if (!isMap(item)) return;
      const a = item.get('amount', true);
      if (isScalar(a) && typeof a.value === 'number') {
        const src = a.source ?? String(a.value);
        throw new ConfigError(
          `${file}:${lineOf(doc, lc, ['sources', i, 'amount'])}`,
          `amount ${src} is unquoted: YAML reads it as the number ${a.value}, and a mixture tells a fraction from a count by its dot`,
          `quote it: amount: "${src}" (with a dot: a fraction of the source, "1.0" = all; without: a count of records)`,
        );
      }
    });
  }
  const res = MixtureFile.safeParse(doc.toJS());
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new ConfigError(
      `${file}:${lineOf(doc, lc, issue.path)}`,
      `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      'a mixture is {seed, sources: [{name, path, format, amount: "0.5" | "30000", options}]}',
    );
  }
  return buildMixture(res.data, (i, k) => `${file}:${lineOf(doc, lc, ['sources', i, k])}`, o);
}

/** A validated mixture object (a file's or a pipeline step's) with names checked, amounts parsed and paths filled. */
export function buildMixture(
  m: z.infer<typeof MixtureFile>,
  where: (source: number, key: string) => string,
  o: { vars?: Record<string, string>; cwd?: string; seed?: number; shuffle?: boolean } = {},
): Mixture {
  const vars = { ...m.vars, ...(o.vars ?? {}) };
  const seed = o.seed ?? m.seed;
  const seen = new Set<string>();
  const base = o.cwd ?? process.cwd();
  const sources: MixSource[] = m.sources.map((s, i) => {
    if (seen.has(s.name)) throw new ConfigError(where(i, 'name'), `source name ${s.name} is used twice`, 'give each source its own name');
    seen.add(s.name);
    const amount = parseAmount(s.amount);
    if (typeof amount === 'string') throw new ConfigError(where(i, 'amount'), `amount ${amount}`);
    let format: string;
    try {
      format = resolveFormat(s.format);
    } catch (e) {
      throw new ConfigError(where(i, 'format'), (e as Error).message.split('\n')[0]!, 'use auto or a format name (docs/FORMATS.md)');
    }
    const paths = (Array.isArray(s.path) ? s.path : [s.path]).map((p) => {
      const x = expandVars(p, vars, where(i, 'path'));
      return isAbsolute(x) ? x : resolve(base, x);
    });
    return { name: s.name, paths, format, amount, options: formatOptionsOf(s.options, seed, s.name) };
  });
  return { seed, shuffle: o.shuffle ?? m.shuffle, sources };
}

export function loadMixture(file: string, o: { vars?: Record<string, string>; cwd?: string; seed?: number; shuffle?: boolean } = {}): Mixture {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, `cannot be read: ${(e as Error).message}`, 'check the path of the mixture file');
  }
  return parseMixture(text, file, o);
}
