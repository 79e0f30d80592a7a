import { describe, expect, it } from 'vitest';
import { loadGenerateConfig } from '../../src/generate/config.js';
import { resolveEndpoints } from '../../src/generate/endpoints.js';

describe('OPENAI_BASE_URL', () => {
  const cfg = loadGenerateConfig();
  const models = { userModel: 'u', assistantModel: 'a' };

  it('is the base URL of every role when nothing else names one', () => {
    const ep = resolveEndpoints(cfg, models, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' });
    expect([ep.user.baseURL, ep.assistant.baseURL, ep.openings.baseURL]).toEqual(['http://127.0.0.1:9/v1', 'http://127.0.0.1:9/v1', 'http://127.0.0.1:9/v1']);
  });

  it('yields to --base-url and to the config', () => {
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
    expect(resolveEndpoints(cfg, { ...models, baseUrl: 'http://127.0.0.1:8/v1' }, env).assistant.baseURL).toBe('http://127.0.0.1:8/v1');
    const withCfg = { ...cfg, models: { ...cfg.models, assistant: { ...cfg.models.assistant, base_url: 'http://127.0.0.1:7/v1' } } };
    const ep = resolveEndpoints(withCfg, models, env);
    expect(ep.assistant.baseURL).toBe('http://127.0.0.1:7/v1');
    expect(ep.user.baseURL).toBe('http://127.0.0.1:9/v1');
  });

  it('an empty OPENAI_BASE_URL counts as unset', () => {
    expect(() => resolveEndpoints(cfg, models, { OPENAI_BASE_URL: '' })).toThrow(/no base URL for the user model[\s\S]*OPENAI_BASE_URL/);
  });
});
