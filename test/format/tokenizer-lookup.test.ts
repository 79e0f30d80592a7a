/**
 * Tokenizer look-up: a folder holding only Meta's SentencePiece tokenizer.model loads (converted as
 * transformers' LlamaConverter does); the Hugging Face cache layout is found before the network.
 * References: the bundled llama2 tokenizer.json, whose vocabulary and merges llama-tokenizer-js
 * extracted from Meta's own HF tokenizer.json (and which test/interop checks against sentencepiece).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/format/tokenizer/index.js';
import { resolveTokenizer } from '../../src/format/tokenizer/source.js';
import { findInHfCache, hfCacheRoots } from '../../src/format/tokenizer/hf-cache.js';
import { parseSentencePiece } from '../../src/format/tokenizer/sentencepiece.js';
import { sharedData, tempDir } from '../helpers/paths.js';

const tmp = tempDir('sftforge-lookup-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MODEL = sharedData('tokenizers', 'llama2', 'tokenizer.model');

describe('SentencePiece tokenizer.model', () => {
  it("parses Meta's model: 32,000 pieces, BPE with byte fallback, <unk> <s> </s> at 0-2", () => {
    const m = parseSentencePiece(new Uint8Array(readFileSync(MODEL)), MODEL);
    expect(m.pieces.length).toBe(32000);
    expect([m.modelType, m.byteFallback, m.unkId, m.bosId, m.eosId, m.addDummyPrefix]).toEqual([2, true, 0, 1, 2, true]);
    expect(m.pieces.slice(0, 4).map((p) => [p.piece, p.type])).toEqual([
      ['<unk>', 2],
      ['<s>', 3],
      ['</s>', 3],
      ['<0x00>', 6],
    ]);
  });

  it("a folder with only tokenizer.model converts to the vocabulary and merges of Meta's tokenizer.json", async () => {
    const dir = join(tmp, 'spm-only');
    mkdirSync(dir, { recursive: true });
    copyFileSync(MODEL, join(dir, 'tokenizer.model'));
    const files = await resolveTokenizer(dir, {}, { cacheDir: join(tmp, 'cache', 'bundled') });
    const conv = JSON.parse(readFileSync(files.tokenizer, 'utf8'));
    const ref = JSON.parse(readFileSync((await resolveTokenizer('llama2', {}, { cacheDir: join(tmp, 'cache', 'bundled') })).tokenizer, 'utf8'));
    expect(conv.model.vocab).toEqual(ref.model.vocab);
    // All 61,249 merges in Meta's priority order (the U+FEFF piece included: no BOM stripping).
    expect(conv.model.merges).toEqual(ref.model.merges);
    expect(JSON.parse(readFileSync(files.config!, 'utf8'))).toMatchObject({ bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' });
    const a = await loadTokenizer(files, { templateSpecials: ['<s>', '<|end_of_turn|>'] });
    const b = await loadTokenizer('llama2', { templateSpecials: ['<s>', '<|end_of_turn|>'] });
    const texts = JSON.parse(readFileSync(sharedData('public', 'FastChat_dummy_conversation.json'), 'utf8')).flatMap((c: { conversations: { value: string }[] }) =>
      c.conversations.map((t) => t.value),
    );
    const [ea, eb] = await Promise.all([a.backend.encodeBatch(texts, 'plain'), b.backend.encodeBatch(texts, 'plain')]);
    texts.forEach((_: string, i: number) => expect(Array.from(ea[i]!.ids)).toEqual(Array.from(eb[i]!.ids)));
  });

  it('refuses a file that is not a SentencePiece model, saying what to pass', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.model'), Buffer.from([0x0a, 0xff, 0xff, 0xff]));
    await expect(resolveTokenizer(dir, {}, { cacheDir: join(tmp, 'cache', 'bundled') })).rejects.toThrow(/not a SentencePiece model/);
  });
});

describe('Hugging Face cache', () => {
  it('roots in huggingface_hub order', () => {
    expect(hfCacheRoots({ HF_HUB_CACHE: '/a', HF_HOME: '/b' }).slice(0, 2)).toEqual(['/a', '/b/hub']);
    expect(hfCacheRoots({}).at(-1)).toMatch(/\.cache\/huggingface\/hub$/);
  });

  it('finds models--org--name/snapshots/REV via refs/main, under HF_HOME/hub, before the network', async () => {
    const home = join(tmp, 'hf-home');
    const commit = 'a'.repeat(40);
    const snap = join(home, 'hub', 'models--acme--tiny', 'snapshots', commit);
    mkdirSync(snap, { recursive: true });
    mkdirSync(join(home, 'hub', 'models--acme--tiny', 'refs'), { recursive: true });
    writeFileSync(join(home, 'hub', 'models--acme--tiny', 'refs', 'main'), commit);
    const q = await resolveTokenizer('qwen3');
    copyFileSync(q.tokenizer, join(snap, 'tokenizer.json'));
    copyFileSync(q.config!, join(snap, 'tokenizer_config.json'));
    expect(findInHfCache('acme/tiny', 'main', { HF_HOME: home })).toBe(snap);
    expect(findInHfCache('acme/tiny', commit, { HF_HOME: home })).toBe(snap);
    expect(findInHfCache('acme/other', 'main', { HF_HOME: home })).toBeUndefined();
    const saved = { HF_HOME: process.env.HF_HOME, HF_HUB_CACHE: process.env.HF_HUB_CACHE };
    process.env.HF_HOME = home;
    delete process.env.HF_HUB_CACHE;
    try {
      // hubUrl points nowhere and offline is on: only the cache can answer.
      const files = await resolveTokenizer('acme/tiny', { offline: true, hubUrl: 'http://127.0.0.1:9' });
      expect(files.tokenizer).toBe(join(snap, 'tokenizer.json'));
      expect(files.config).toBe(join(snap, 'tokenizer_config.json'));
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});
