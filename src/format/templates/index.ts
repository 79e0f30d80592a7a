/**
 * Chat templates: `getTemplate(name, opts)` returns a ChatTemplate whose `render` gives the text
 * the reference implementation renders plus character spans of contents and trained replies.
 */
import type { Turn } from '../../core/types.js';
import { TemplateConfigError, TemplateError } from './errors.js';
import { FASTCHAT_DEFS, fastChatTemplate } from './fastchat.js';
import { HfChatTemplate } from './hf.js';
import { Llama3Template } from './llama3.js';
import { OPENCHAT_NAMES, openChatTemplate } from './openchat.js';
import { TuluTemplate } from './tulu.js';
import type { ChatTemplate, RenderOptions, TemplateOptions } from './types.js';
import { UltraLmTemplate } from './ultralm.js';

type Factory = (name: string, opts: TemplateOptions) => ChatTemplate;

const FACTORIES = new Map<string, Factory>([
  ...OPENCHAT_NAMES.map((n): [string, Factory] => [n, openChatTemplate]),
  ...Object.keys(FASTCHAT_DEFS).map((n): [string, Factory] => [n, fastChatTemplate]),
  ['tulu', (_n, o) => new TuluTemplate(o)],
  ['ultralm', (_n, o) => new UltraLmTemplate(o)],
  ['llama-3', (_n, o) => new Llama3Template(o)],
  ['hf', (_n, o) => new HfChatTemplate(o)],
]);

export function listTemplates(): string[] {
  return [...FACTORIES.keys()].sort();
}

export function getTemplate(name: string, opts: TemplateOptions = {}): ChatTemplate {
  const factory = FACTORIES.get(name);
  if (!factory) {
    throw new TemplateConfigError(`unknown chat template ${JSON.stringify(name)}`, `use one of: ${listTemplates().join(', ')}`);
  }
  const t = factory(name, opts);
  return name === 'hf' ? t : refusingTools(t);
}

/**
 * Built-in templates write user/assistant/system text only; a tool turn or tool call would be
 * rendered as something else (or misplaced), so the sample is quarantined instead.
 */
function refusingTools(t: ChatTemplate): ChatTemplate {
  const render = t.render.bind(t);
  const check = (turns: readonly Turn[]): void => {
    const i = turns.findIndex((x) => x.role === 'tool' || (x.tool_calls?.length ?? 0) > 0);
    if (i < 0) return;
    const what = turns[i]!.role === 'tool' ? 'a tool result' : 'an assistant tool call';
    throw new TemplateError('unsupported_role', t.name, `turn ${i} is ${what}, which this template cannot write`, 'use --template hf with a tokenizer whose chat template supports tools');
  };
  return Object.assign(Object.create(t) as ChatTemplate, { render: (turns: readonly Turn[], ro?: RenderOptions) => (check(turns), render(turns, ro)) });
}

export type { ChatTemplate, NamedChatTemplate, Rendered, RenderOptions, Span, TemplateOptions, TrainedSpan } from './types.js';
export { TemplateConfigError, TemplateError, TemplateSpanError, type TemplateErrorReason } from './errors.js';
export { HfChatTemplate, selectChatTemplate, templateOptionsFromTokenizerConfig } from './hf.js';
export { ChatTemplateProgram } from './jinja/program.js';
export { ensureJinjaPatched } from './jinja/patch.js';
export { pyLStrip, pyRStrip, pyStrip } from './pystr.js';
