import { describe, expect, it } from 'vitest';
import { buildCleaningFilters } from '../../src/filter/build-stages.js';

describe('buildCleaningFilters', () => {
  it('builds the stages in the documented order', async () => {
    const stages = await buildCleaningFilters({
      model: 'Model: GPT-4',
      minTurns: 2,
      blockedWords: 'openai,chatgpt',
      unwanted: 'mask',
      lang: ['en'],
      nearDedup: 0.8,
    });
    expect(stages.map((s) => s.name)).toEqual(['model_filter', 'turns_filter', 'exact_dedup', 'blocked_words', 'unwanted_phrases', 'language', 'near_dedup']);
    expect((await buildCleaningFilters({})).map((s) => s.name)).toEqual(['exact_dedup']);
    expect(await buildCleaningFilters({ dedup: false, unwanted: 'off' })).toEqual([]);
  });

  it('refuses inconsistent options with a usage error', async () => {
    await expect(buildCleaningFilters({ modelInverse: true })).rejects.toThrow(/--model-inverse needs --model/);
    await expect(buildCleaningFilters({ nearDedup: 80 })).rejects.toThrow(/--near-dedup must be a similarity in \(0, 1\)/);
    await expect(buildCleaningFilters({ unwantedPhrases: 'x' })).rejects.toThrow(/--unwanted-phrases given without --unwanted/);
    await expect(buildCleaningFilters({ lang: ['english'] })).rejects.toThrow(/ISO 639-1/);
    await expect(buildCleaningFilters({ blockedWords: 'no/such/file.txt' })).rejects.toThrow(/file not found/);
  });
});
