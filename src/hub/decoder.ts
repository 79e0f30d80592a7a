/**
 * Optional: turns the sample row's token ids back into text for the card, when the manifest's
 * `tokenizer` can be loaded on this machine: a tokenizer.json (a file, or a folder holding one,
 * relative to the dataset folder or absolute), or a tokenizer bundled with sftforge (`qwen3`,
 * `llama2`, as `tokenize` resolves them). Anything else (a Hub repo id, a missing file, a file
 * the JS tokenizer cannot load) gives no decoder and the card shows token ids: the push never
 * downloads a tokenizer and never fails because of one.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, dirname } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { isBundled, resolveBundled } from '../format/tokenizer/source.js';

export type Decode = (ids: number[]) => string;

async function findTokenizerJson(name: string, baseDir: string): Promise<string | undefined> {
  // Bundled names (llama2 is built from llama-tokenizer-js's data, the others come from packages).
  if (isBundled(name)) return (await resolveBundled(name).catch(() => undefined))?.tokenizer;
  const candidates = isAbsolute(name) ? [name] : [join(baseDir, name), name];
  for (const c of candidates) {
    const st = await stat(c).catch(() => undefined);
    if (st?.isFile() && c.endsWith('.json')) return c;
    if (st?.isDirectory()) {
      const f = join(c, 'tokenizer.json');
      if (
        await stat(f).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        return f;
    }
  }
  return undefined;
}

export async function loadDecoder(name: string | undefined, baseDir: string): Promise<Decode | undefined> {
  if (!name) return undefined;
  try {
    const file = await findTokenizerJson(name, baseDir);
    if (!file) return undefined;
    const json = JSON.parse(await readFile(file, 'utf8')) as object;
    const configPath = join(dirname(file), 'tokenizer_config.json');
    const config = await readFile(configPath, 'utf8').then(
      (t) => JSON.parse(t) as object,
      () => ({}),
    );
    const tok = new Tokenizer(json, config);
    return (ids) => tok.decode(ids, { skip_special_tokens: false });
  } catch {
    return undefined;
  }
}
