/**
 * The three model roles resolved from the config and the command line. Keys come from the
 * environment variable each role names; a server that needs none (vLLM, Ollama) gets a
 * placeholder, since the `openai` client refuses an empty key. Keys stay in memory only.
 */
import { UsageError } from '../core/errors.js';
import type { Endpoint } from './client.js';
import type { GenerateConfig, ModelConfig } from './config.js';
import type { ModelRole } from './types.js';

export interface EndpointOverrides {
  /** --base-url: every role. */
  baseUrl?: string;
  userBaseUrl?: string;
  assistantBaseUrl?: string;
  userModel?: string;
  assistantModel?: string;
  openingsModel?: string;
  timeoutS?: number;
}

/** Placeholder key for servers that need none (the `openai` client refuses an empty key). */
export const NO_KEY = 'sk-no-key-required';

function resolve(role: ModelRole, m: ModelConfig, fallback: ModelConfig | undefined, baseUrl: string | undefined, model: string | undefined, env: NodeJS.ProcessEnv): Endpoint {
  // OPENAI_BASE_URL is the default, as in OpenAI's own clients; the config and flags override it.
  const base = baseUrl ?? m.base_url ?? fallback?.base_url ?? (env.OPENAI_BASE_URL || undefined);
  const name = model ?? m.model ?? fallback?.model;
  if (!base) throw new UsageError(`no base URL for the ${role} model`, `pass --base-url URL (e.g. http://127.0.0.1:8000/v1), set models.${role}.base_url in the config, or set OPENAI_BASE_URL`);
  if (!name) throw new UsageError(`no model name for the ${role} role`, `pass --${role}-model NAME or set models.${role}.model in the config`);
  const keyEnv = m.api_key_env ?? fallback?.api_key_env ?? 'OPENAI_API_KEY';
  const ep: Endpoint = {
    baseURL: base.replace(/\/+$/, ''),
    model: name,
    apiKey: env[keyEnv] || NO_KEY,
    max_tokens: m.max_tokens ?? fallback?.max_tokens ?? 1024,
  };
  const t = m.temperature ?? fallback?.temperature;
  if (t !== undefined) ep.temperature = t;
  const p = m.top_p ?? fallback?.top_p;
  if (p !== undefined) ep.top_p = p;
  const param = m.max_tokens_param ?? fallback?.max_tokens_param;
  if (param !== undefined) ep.max_tokens_param = param;
  if (m.system !== undefined) ep.system = m.system;
  if (m.extra !== undefined) ep.extra = m.extra;
  return ep;
}

export function resolveEndpoints(cfg: GenerateConfig, o: EndpointOverrides, env: NodeJS.ProcessEnv = process.env): Record<ModelRole, Endpoint> {
  const user = resolve('user', cfg.models.user, undefined, o.userBaseUrl ?? o.baseUrl, o.userModel, env);
  const assistant = resolve('assistant', cfg.models.assistant, undefined, o.assistantBaseUrl ?? o.baseUrl, o.assistantModel, env);
  // Openings fall back to the user model's server and name: they are the same kind of request.
  const openings = resolve('openings', cfg.models.openings, { ...cfg.models.user, base_url: user.baseURL, model: user.model }, o.userBaseUrl ?? o.baseUrl, o.openingsModel, env);
  return { user, assistant, openings };
}
