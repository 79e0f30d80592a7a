/**
 * The input formats' names and aliases, alone: what `--input-format` checks while parsing and
 * lists in `--help`. Kept apart from ./index.ts (every converter) so that starting the command
 * line does not load the converters; index.ts builds its table from this list.
 */

/** Canonical name → aliases, in the order `--help` lists them. */
export const FORMAT_ALIASES = {
  sharegpt: ['sharegpt-jsonl', 'sharegpt_jsonl', 'vicuna'],
  sharegpt_pages: ['sharegpt-pages'],
  sharegpt_tools: ['glaive_toolcall', 'tool_sharegpt', 'llamafactory_tools'],
  openai: ['messages', 'openai_messages', 'open_instruct', 'tulu'],
  ultrachat: [],
  alpaca: ['stanford_alpaca', 'gpt4_alpaca', 'code_alpaca', 'chinese_alpaca'],
  dolly: ['databricks_dolly'],
  self_instruct: ['self-instruct'],
  unnatural: ['unnatural_instructions'],
  super_ni: ['natural_instructions', 'super_natural_instructions'],
  flan: ['flan_v2'],
  cot: ['flan_cot'],
  baize: [],
  lima: [],
  wizardlm: ['wizardlm_evol_instruct'],
  open_orca: ['openorca'],
  oasst: ['oasst1', 'oasst2', 'open_assistant'],
  prompt_completion: ['openai_legacy', 'openai_completion'],
  science: ['input_output'],
  chatgpt_export: ['chatgpt'],
} as const satisfies Record<string, readonly string[]>;

export type FormatName = keyof typeof FORMAT_ALIASES;

const CANONICAL = new Map<string, FormatName>();
for (const [name, aliases] of Object.entries(FORMAT_ALIASES) as [FormatName, readonly string[]][]) for (const n of [name, ...aliases]) CANONICAL.set(n, name);

export function formatNames(): FormatName[] {
  return Object.keys(FORMAT_ALIASES) as FormatName[];
}

/** The canonical name of a name or alias (case-insensitive); 'auto' and unknown names give undefined. */
export function canonicalFormat(name: string): FormatName | undefined {
  return CANONICAL.get(name.toLowerCase());
}
