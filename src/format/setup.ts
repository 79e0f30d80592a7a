/**
 * Building the formatter from options: template (its options read from the tokenizer's config),
 * then the tokenizer with the template's special tokens registered. The main thread and every
 * worker thread build it the same way from the same local files, so they tokenize identically.
 */
import { readFile } from 'node:fs/promises';
import { Formatter, type FormatOptions } from './formatter.js';
import { getTemplate, templateOptionsFromTokenizerConfig } from './templates/index.js';
import type { ChatTemplate, TemplateOptions } from './templates/types.js';
import { type BackendChoice, loadTokenizer, type LoadedTokenizer } from './tokenizer/index.js';
import type { TokenizerFiles } from './tokenizer/source.js';

export interface FormatterSetup {
  template: string;
  /** `hf` templates: extra variables (`{"enable_thinking": false}`), like transformers' chat_template_kwargs. */
  templateKwargs?: Record<string, unknown>;
  tokenizer: TokenizerFiles;
  backend: BackendChoice;
  format: FormatOptions;
}

/** `hf` templates may call strftime_now(): a fixed clock keeps outputs byte-identical. */
const FIXED_NOW = new Date('2025-01-01T00:00:00Z');

function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/** Template options from tokenizer_config.json: BOS/EOS as the tokenizer defines them. */
export function templateOptions(name: string, config: Record<string, unknown>, kwargs?: Record<string, unknown>): TemplateOptions {
  if (name === 'hf') return { ...templateOptionsFromTokenizerConfig(config), now: FIXED_NOW, ...(kwargs ? { extraContext: kwargs } : {}) };
  if (Object.keys(config).length === 0) return {};
  const o: TemplateOptions = {};
  const bos = tokenString(config.bos_token);
  const eos = tokenString(config.eos_token);
  // A tokenizer without BOS (Qwen, ChatML models) gets none from the template either.
  if (bos) o.bosToken = bos;
  else o.addBos = false;
  if (eos) o.eosToken = eos;
  return o;
}

export async function readTokenizerConfig(files: TokenizerFiles): Promise<Record<string, unknown>> {
  const config: Record<string, unknown> = files.config ? JSON.parse(await readFile(files.config, 'utf8')) : {};
  if (files.specialTokensMap) {
    const map = JSON.parse(await readFile(files.specialTokensMap, 'utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(map)) if (!(k in config)) config[k] = v;
  }
  return config;
}

export interface Built {
  template: ChatTemplate;
  tokenizer: LoadedTokenizer;
  formatter: Formatter;
}

export async function buildFormatter(s: FormatterSetup): Promise<Built> {
  const config = await readTokenizerConfig(s.tokenizer);
  const template = getTemplate(s.template, templateOptions(s.template, config, s.templateKwargs));
  const tokenizer = await loadTokenizer(s.tokenizer, { templateSpecials: template.specialTokens, backend: s.backend });
  return { template, tokenizer, formatter: new Formatter(template, tokenizer, s.format) };
}
