import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { DEFAULT_CONFIG_PATH, loadGenerateConfig, parseGenerateConfig } from '../../src/generate/config.js';
import { tmp } from './fake-openai.js';

describe('configs/ultrachat.yaml', () => {
  const cfg = loadGenerateConfig();

  it("holds the paper's 30 meta topics, 20 material types and 7 templates", () => {
    expect(cfg.sectors.world.meta_topics).toHaveLength(30);
    expect(new Set(cfg.sectors.world.meta_topics).size).toBe(30);
    expect(cfg.sectors.world.meta_topics).toContain('Entrepreneurship and business');
    expect(cfg.sectors.creation.material_types).toHaveLength(20);
    expect(cfg.sectors.creation.detail_rewrite_share).toBe(0.8);
    expect(cfg.sectors.assistance.templates).toEqual([
      '{text}\n{instruction}',
      '{text} {instruction}',
      '{instruction} Answer according to: {text}',
      '{text} Based on the passage above, {instruction}',
      '{instruction}: {text}',
      'Given the text: {text}\n{instruction}',
      '{instruction}\nGenerate according to: {text}',
    ]);
  });

  it("uses the paper's round counts and user instruction", () => {
    expect(cfg.sectors.world.rounds).toEqual({ min: 3, max: 7 });
    expect(cfg.sectors.creation.rounds).toEqual({ min: 2, max: 4 });
    expect(cfg.sectors.assistance.rounds).toEqual({ min: 2, max: 4 });
    expect(cfg.sectors.world.user_instruction).toBe(
      'Above is a conversation between a user and an intelligent assistant. Now suppose you are the user, say something to continue the conversation based on given context. Make the response short and the language casual.',
    );
    expect(cfg.personas.map((p) => p.name)).toEqual(expect.arrayContaining(['expert', 'casual', 'student', 'non_native']));
  });
});

describe('config errors name FILE:LINE', () => {
  const base = readFileSync(DEFAULT_CONFIG_PATH, 'utf8');

  function errorOf(text: string): string {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(file, text);
    try {
      loadGenerateConfig(file);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message.replaceAll(file, 'FILE');
    }
    throw new Error('the config loaded');
  }

  const lineOf = (needle: string) => base.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('reports a wrong type at its line', () => {
    const line = lineOf('subtopics_per_topic:');
    const msg = errorOf(base.replace('subtopics_per_topic: 40', 'subtopics_per_topic: many'));
    expect(msg).toContain(`FILE:${line}: sectors.world.subtopics_per_topic:`);
  });

  it('reports rounds.min > rounds.max, an unknown key, a template without its placeholder, a bad regex', () => {
    let text = base.replace('rounds: { min: 3, max: 7 }', 'rounds: { min: 8, max: 7 }');
    text = text.replace('  max_retries: 6', '  max_retries: 6\n  max_retrys: 7');
    text = text.replace('"{instruction}: {text}"', '"{instruction}: {txt}"');
    text = text.replace('"^great question\\\\b"', '"^great (question"');
    const msg = errorOf(text);
    const lineIn = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(msg).toContain(`FILE:${lineIn('max_retrys')}: request: Unrecognized key: "max_retrys"`);
    expect(msg).toContain(`FILE:${lineIn('rounds: { min: 8, max: 7 }')}: sectors.world.rounds: rounds.min must not exceed rounds.max`);
    expect(msg).toContain(`FILE:${lineIn('"{instruction}: {txt}"')}: sectors.assistance.templates.4: the template must contain {text}, {instruction}`);
    expect(msg).toContain(`FILE:${lineIn('"^great (question')}: rejection.assistant_like_patterns.6: invalid regular expression`);
  });

  it('reports YAML syntax errors with their line', () => {
    const msg = errorOf('version: 1\nmodels:\n  user: [unclosed\n');
    expect(msg).toMatch(/invalid YAML\nFILE:\d+:/);
  });

  it('fills defaults for optional sections', () => {
    const minimal = base.replace(/\nrequest:\n( {2}.*\n)+/, '\n');
    const c = parseGenerateConfig(minimal, 'x.yaml');
    expect(c.request).toEqual({ timeout_s: 120, max_retries: 6, backoff_base_ms: 500, backoff_max_ms: 60000, max_retry_after_s: 600, send_seed: true });
  });
});
