/**
 * `hf`: the tokenizer's own `chat_template`, rendered as transformers' `apply_chat_template`
 * renders it (see jinja/program.ts), with spans from `{% generation %}` blocks or derived
 * (hf-spans.ts).
 */
import type { Turn } from '../../core/types.js';
import { TemplateConfigError } from './errors.js';
import { deriveSpans, type HfMessage } from './hf-spans.js';
import { ChatTemplateProgram } from './jinja/program.js';
import type { ChatTemplate, NamedChatTemplate, RenderOptions, Rendered, TemplateOptions } from './types.js';

/** transformers' choice among named templates: explicit name, else `tool_use` with tools, else `default`. */
export function selectChatTemplate(chatTemplate: string | readonly NamedChatTemplate[], opts: { templateName?: string; hasTools?: boolean } = {}): { name: string; source: string } {
  if (typeof chatTemplate === 'string') return { name: 'default', source: chatTemplate };
  const byName = new Map(chatTemplate.map((t) => [t.name, t.template]));
  const pick = opts.templateName ?? (opts.hasTools && byName.has('tool_use') ? 'tool_use' : 'default');
  const source = byName.get(pick);
  if (source === undefined) {
    throw new TemplateConfigError(`chat_template has no template named ${JSON.stringify(pick)} (it has ${[...byName.keys()].join(', ')})`, 'pass templateName with one of those names');
  }
  return { name: pick, source };
}

/** A special-tokens value from tokenizer_config.json: a string, an AddedToken dict, or null. */
function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return undefined;
}

/** What transformers puts in the template context from `special_tokens_map` (None values left out). */
export function specialTokensContext(opts: TemplateOptions): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts.specialTokensMap ?? {})) {
    if (Array.isArray(v)) ctx[k] = v.map(tokenString).filter((s): s is string => s !== undefined);
    else if (tokenString(v) !== undefined) ctx[k] = tokenString(v);
  }
  if (opts.bosToken !== undefined) ctx.bos_token = opts.bosToken;
  if (opts.eosToken !== undefined) ctx.eos_token = opts.eosToken;
  return ctx;
}

export class HfChatTemplate implements ChatTemplate {
  readonly name: string;
  readonly specialTokens: readonly string[];
  readonly generationBlocks: boolean;
  private readonly program: ChatTemplateProgram;
  private readonly context: Record<string, unknown>;
  /** transformers picks `tool_use` from a named list when tools are given: the program for that case. */
  private toolProgram: ChatTemplateProgram | undefined;

  constructor(private readonly opts: TemplateOptions) {
    if (opts.chatTemplate === undefined) {
      throw new TemplateConfigError('template hf needs the Jinja source in opts.chatTemplate', 'read it from tokenizer_config.json (templateOptionsFromTokenizerConfig)');
    }
    const extra = opts.extraContext ?? {};
    const picked = selectChatTemplate(opts.chatTemplate, { templateName: opts.templateName, hasTools: extra.tools != null });
    this.name = `hf:${picked.name}`;
    this.program = new ChatTemplateProgram(picked.source, this.name);
    this.generationBlocks = this.program.hasGeneration;
    this.context = { ...specialTokensContext(opts), ...extra };
    const tokens = new Set<string>();
    for (const v of Object.values(specialTokensContext(opts))) {
      for (const s of Array.isArray(v) ? v : [v]) if (typeof s === 'string' && s) tokens.add(s);
    }
    this.specialTokens = [...tokens];
  }

  /** Renders exactly what transformers renders for these messages (no spans). */
  renderText(messages: readonly { role: string; content: string }[], addGenerationPrompt = false): string {
    return this.program.render({ ...this.context, messages, add_generation_prompt: addGenerationPrompt }, this.opts.now).text;
  }

  render(turns: readonly Turn[], ro: RenderOptions = {}): Rendered {
    const messages: HfMessage[] = turns.map((t, i) => {
      const m: HfMessage = { role: t.role, content: t.content, turn: i };
      if (t.tool_calls?.length) m.tool_calls = t.tool_calls;
      if (t.name !== undefined) m.name = t.name;
      return m;
    });
    const tools = ro.tools?.length ? ro.tools : undefined;
    if (this.opts.systemPrompt !== undefined && turns[0]?.role !== 'system') {
      messages.unshift({ role: 'system', content: this.opts.systemPrompt });
    }
    return deriveSpans({
      label: this.name,
      program: tools ? this.programForTools() : this.program,
      context: tools ? { ...this.context, tools } : this.context,
      messages,
      turns,
      addGenerationPrompt: ro.addGenerationPrompt ?? false,
      now: this.opts.now,
      endTokens: this.specialTokens,
    });
  }

  private programForTools(): ChatTemplateProgram {
    const { chatTemplate, templateName, extraContext } = this.opts;
    if (typeof chatTemplate === 'string' || templateName !== undefined || extraContext?.tools != null) return this.program;
    this.toolProgram ??= new ChatTemplateProgram(selectChatTemplate(chatTemplate!, { hasTools: true }).source, this.name);
    return this.toolProgram;
  }
}

/** TemplateOptions for `hf` from a parsed tokenizer_config.json. */
export function templateOptionsFromTokenizerConfig(config: Record<string, unknown>): TemplateOptions {
  const keys = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token', 'additional_special_tokens'];
  const specialTokensMap: Record<string, unknown> = {};
  for (const k of keys) if (config[k] != null) specialTokensMap[k] = config[k];
  const chatTemplate = config.chat_template as TemplateOptions['chatTemplate'] | undefined;
  return { chatTemplate, specialTokensMap };
}
