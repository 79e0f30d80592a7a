import { describe, expect, it } from 'vitest';
import '../../src/stages.js';
import { buildPipeline } from '../../src/core/pipeline.js';
import { cleanSteps } from '../../src/presets/clean.js';

/** The stages `sftforge clean` builds for these flags, after read and clean, before the writer. */
async function filters(flags: Record<string, unknown>): Promise<string[]> {
  const built = await buildPipeline({ steps: cleanSteps(['x.jsonl'], { output: 'o.jsonl', ...flags }) });
  return built.steps.slice(2, -1).map((n) => (n.type === 'stage' ? n.def.name : 'branch'));
}

describe('clean preset: filters', () => {
  it('builds the stages in the documented order', async () => {
    expect(await filters({ model: 'Model: GPT-4', minTurns: 2, blockedWords: 'openai,chatgpt', unwanted: 'mask', lang: ['en'], nearDedup: 0.8 })).toEqual([
      'filter_model',
      'filter_turns',
      'dedup_exact',
      'filter_blocked_words',
      'filter_unwanted',
      'filter_lang',
      'dedup_near',
    ]);
    expect(await filters({})).toEqual(['dedup_exact']);
    expect(await filters({ dedup: false, unwanted: 'off' })).toEqual([]);
  });

  it('refuses inconsistent options with a usage error', async () => {
    await expect(filters({ modelInverse: true })).rejects.toThrow(/--model-inverse needs --model/);
    await expect(filters({ nearDedup: 80 })).rejects.toThrow(/--near-dedup must be a similarity in \(0, 1\)/);
    await expect(filters({ unwantedPhrases: 'x' })).rejects.toThrow(/--unwanted-phrases given without --unwanted/);
    await expect(filters({ lang: ['english'] })).rejects.toThrow(/ISO 639-1/);
    await expect(filters({ blockedWords: 'no/such/file.txt' })).rejects.toThrow(/file not found/);
  });
});
