/**
 * The fake OpenAI-compatible server for the generate tests. Its implementation lives in
 * src/generate/fake-server.ts so that scripts/bench-generate.mjs (plain JS from dist/) can start
 * the very same server; this module re-exports it with the helpers the tests share.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGenerateConfig, DEFAULT_CONFIG_PATH, type GenerateConfig } from '../../src/generate/config.js';
import { readFileSync } from 'node:fs';

export { startFakeServer, type FakeServer, type FakeFaultRule, type FakeRequestInfo } from '../../src/generate/fake-server.js';

export function tmp(prefix = 'sftforge-gen-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The shipped config with small fan-outs, so a test run needs few requests. */
export function smallConfig(edit?: (c: GenerateConfig) => void): GenerateConfig {
  const c = parseGenerateConfig(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'), DEFAULT_CONFIG_PATH);
  c.sectors.world.subtopics_per_topic = 3;
  c.sectors.world.questions_per_subtopic = 4;
  c.sectors.world.followups_per_question = 3;
  c.sectors.creation.instructions_per_type = 6;
  c.sectors.creation.instructions_per_request = 3;
  c.request.backoff_base_ms = 5;
  c.request.backoff_max_ms = 20;
  edit?.(c);
  return c;
}
