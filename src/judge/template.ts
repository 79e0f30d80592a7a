/** Prompt templates with Python str.format fields (`{name}`, `{{` and `}}` for braces), filled in one pass. */
import { UsageError } from '../core/errors.js';

const FIELD = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Fills every `{name}`; values are inserted as they are (a brace in a reply stays a brace). */
export function fillTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(FIELD, (m, name: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const v = vars[name!];
    if (v === undefined) throw new Error(`template field {${name}} has no value`);
    return v;
  });
}

/** The fields a template uses; a field outside `allowed` is a usage error naming the file. */
export function checkTemplate(template: string, allowed: readonly string[], where: string): string[] {
  const used = new Set<string>();
  for (const m of template.matchAll(FIELD)) if (m[1]) used.add(m[1]);
  const bad = [...used].filter((f) => !allowed.includes(f));
  if (bad.length > 0) {
    throw new UsageError(`${where}: unknown template field ${bad.map((b) => `{${b}}`).join(', ')}`, `use ${allowed.map((a) => `{${a}}`).join(', ')}; write {{ and }} for literal braces`);
  }
  return [...used];
}
