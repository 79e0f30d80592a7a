/**
 * The bundled `llama2` tokenizer against Meta's own SentencePiece model
 * (../shared/data/tokenizers/llama2/tokenizer.model) run by the `sentencepiece` package: the same
 * ids for every turn of the FastChat sample and for edge cases (byte fallback, spaces, newlines,
 * special-token strings typed as text, which SentencePiece never matches as control tokens).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';
import { resolveTokenizer } from '../../src/format/tokenizer/source.js';
import { tempDir } from '../helpers/paths.js';
import { sharedData } from '../helpers/paths.js';
import { HAS_PYTHON, py, SKIP_REASON } from './python.js';

const SPM = `
import json, sys
import sentencepiece as spm
a = json.loads(sys.argv[1])
sp = spm.SentencePieceProcessor(model_file=a["model"])
ids = sp.encode(a["texts"])
print(json.dumps({"ids": ids, "decoded": [sp.decode(x) for x in ids]}))
`;

const EDGE = [
  '',
  ' ',
  '  leading spaces',
  'trailing  ',
  'a\nb\n\n\nc',
  '\tTabbed\tline',
  'Hello world',
  '你好，世界',
  '😀🫠 emoji and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '</s> <s> <unk> typed by a user',
  'x'.repeat(300),
  'ĠÄ weird bytes \u0000\u0001',
  'def f(x):\n    return x ** 2  # comment',
  'Ünïcödé façade naïve',
  'ﬁ ligature and ＦＵＬＬＷＩＤＴＨ',
  '   ',
  '\n',
  '\ufeffBOM first',
  'a      b',
  '    x',
  'a\t\t  b        c',
  ' '.repeat(17) + 'deep indent',
  'x' + ' '.repeat(33) + 'y',
];

describe.skipIf(!HAS_PYTHON)(`llama2 equals sentencepiece on Meta's tokenizer.model (${HAS_PYTHON ? 'venv found' : SKIP_REASON})`, () => {
  let tok: LoadedTokenizer;
  let converted: LoadedTokenizer;
  let texts: string[];
  const tmp = tempDir('sftforge-spm-');
  beforeAll(async () => {
    tok = await loadTokenizer('llama2', { templateSpecials: [] });
    // A folder holding only tokenizer.model, converted by sftforge.
    mkdirSync(join(tmp, 'm'));
    copyFileSync(sharedData('tokenizers', 'llama2', 'tokenizer.model'), join(tmp, 'm', 'tokenizer.model'));
    converted = await loadTokenizer(await resolveTokenizer(join(tmp, 'm'), {}, { cacheDir: join(tmp, 'cache', 'bundled') }), { templateSpecials: [] });
    const convs = JSON.parse(readFileSync(sharedData('public', 'FastChat_dummy_conversation.json'), 'utf8')) as { conversations: { value: string }[] }[];
    texts = [...EDGE, ...convs.flatMap((c) => c.conversations.map((t) => t.value))];
  });

  it(`ids of every text equal sentencepiece's (sample turns + ${EDGE.length} edge cases)`, async () => {
    const want = await py<{ ids: number[][]; decoded: string[] }>(SPM, { model: sharedData('tokenizers', 'llama2', 'tokenizer.model'), texts });
    expect(texts.length).toBeGreaterThan(1000);
    for (const [name, t] of [
      ['bundled llama2', tok],
      ['converted tokenizer.model', converted],
    ] as const) {
      const got = await t.backend.encodeBatch(texts, 'plain');
      texts.forEach((x, i) => expect(Array.from(got[i]!.ids), `${name}: ${JSON.stringify(x.slice(0, 60))}`).toEqual(want.ids[i]));
    }
    rmSync(tmp, { recursive: true, force: true });
  }, 120_000);
});
