/**
 * A SentencePiece tokenizer.model as tokenizer files: converted once (sentencepiece.ts) into a cache
 * folder named by the model's sha256 (`$SFTFORGE_CACHE/converted/spm-…`, else
 * ~/.cache/sftforge/converted), beside the source folder's tokenizer_config.json and
 * special_tokens_map.json when it has them; else a config naming BOS/EOS/UNK from the model.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { sameContent, writeShared, type BundledOptions } from './bundled.js';
import { parseSentencePiece, sentencePieceToTokenizerJson } from './sentencepiece.js';
import type { TokenizerFiles } from './source.js';

function convertedRoot(o: BundledOptions): string {
  if (o.cacheDir) return join(o.cacheDir, '..', 'converted');
  const root = process.env.SFTFORGE_CACHE;
  return root ? join(root, 'converted') : join(homedir(), '.cache', 'sftforge', 'converted');
}

export async function convertSentencePiece(spec: string, modelPath: string, o: BundledOptions = {}): Promise<TokenizerFiles> {
  const bytes = new Uint8Array(await readFile(modelPath));
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const dir = join(convertedRoot(o), `spm-${hash}`);
  const src = dirname(modelPath);
  const tokenizer = join(dir, 'tokenizer.json');
  const model = parseSentencePiece(bytes, modelPath);
  const opt = (name: string) => (existsSync(join(src, name)) ? join(src, name) : undefined);
  let config = opt('tokenizer_config.json');
  if (!config) {
    config = join(dir, 'tokenizer_config.json');
    const piece = (id: number) => (id >= 0 ? model.pieces[id]?.piece : undefined);
    const text =
      JSON.stringify(
        { bos_token: piece(model.bosId) ?? null, eos_token: piece(model.eosId) ?? null, unk_token: piece(model.unkId) ?? null, add_bos_token: model.bosId >= 0, add_eos_token: false },
        null,
        2,
      ) + '\n';
    if (!sameContent(config, text)) await writeShared(config, text);
  }
  const json = JSON.stringify(sentencePieceToTokenizerJson(model, modelPath));
  if (!sameContent(tokenizer, json)) await writeShared(tokenizer, json);
  return { spec, tokenizer, config, specialTokensMap: opt('special_tokens_map.json') };
}
