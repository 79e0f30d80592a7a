import { describe, expect, it, vi } from 'vitest';

// The Rust addon "fails to load" here: the loader must fall back to the pure-JS backend.
vi.mock('../../src/format/tokenizer/native.js', async (orig) => {
  const real = (await orig()) as Record<string, unknown>;
  return { ...real, tryLoadNative: () => null, nativeLoadError: 'no prebuilt binary for this platform (test)' };
});

const { loadTokenizer } = await import('../../src/format/tokenizer/index.js');

describe('native binding unavailable', () => {
  it('auto falls back to the pure-JS backend and says why', async () => {
    const t = await loadTokenizer('llama2', { templateSpecials: ['<|end_of_turn|>'] });
    expect(t.backend.kind).toBe('js');
    expect(t.fallbackReason).toMatch(/does not load here: no prebuilt binary/);
    const [e] = await t.backend.encodeBatch(['Hello<|end_of_turn|>'], 'full');
    expect(Array.from(e!.ids)).toEqual([15043, 32000]); // ▁Hello in LLaMA's vocabulary, then the appended token
  });

  it('--tokenizer-backend native is an error naming the way out', async () => {
    await expect(loadTokenizer('llama2', { templateSpecials: [], backend: 'native' })).rejects.toThrow(/--tokenizer-backend js/);
  });
});
