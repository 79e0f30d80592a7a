/** `sftforge clean` as the library runs it: the preset's steps (src/presets/clean.ts) through `runPipeline`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/index.js';
import type { ReportJson } from '../../src/core/report.js';
import { cleanSteps } from '../../src/presets/clean.js';

/** Options as the CLI's camelCase flags (`output`, `blockedWords`, `dedup: false`, `model`, ...) plus `workers`. */
export async function runCleanPreset(inputs: string[], o: Record<string, unknown> & { output: string; workers?: number }): Promise<ReportJson> {
  const result = await runPipeline({ name: 'clean', steps: cleanSteps(inputs, o) }, { workers: o.workers, quiet: true });
  if (!result) throw new Error('clean ran as an already finished rank');
  const out = result.outputs.find((x) => x.stage === 'write_jsonl');
  if (!out) throw new Error('the clean preset wrote no write_jsonl output');
  return out.report;
}

/** `dir/in.jsonl` holding one well-formed two-turn ShareGPT conversation (id `a`); returns its path. */
export function writeOneConversation(dir: string): string {
  const file = join(dir, 'in.jsonl');
  const conversations = [
    { from: 'human', value: 'hi there' },
    { from: 'gpt', value: 'hello, how can I help?' },
  ];
  writeFileSync(file, `${JSON.stringify({ id: 'a', conversations })}\n`);
  return file;
}
