import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Conversation } from '../../src/core/types.js';
import { Formatter, type FormatRow } from '../../src/format/formatter.js';
import { getTemplate } from '../../src/format/templates/index.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';
import { IGNORE_INDEX } from '../../src/format/mask.js';

/**
 * OpenChat's own tokenization (ochat/config/conversation_template.py): BOS, then per message the
 * role prefix tokenized alone, the content tokenized alone with special tokens as plain text, and
 * <|end_of_turn|>; weights = the message weight on content + end marker, 0 on prefixes.
 */
interface RsTok {
  encodeBatch(t: string[], o: { addSpecialTokens: boolean }): Promise<{ getIds(): number[] }[]>;
}

describe('--tokenize segments reproduces OpenChat', () => {
  let tok: LoadedTokenizer;
  let raw: RsTok;
  beforeAll(async () => {
    tok = await loadTokenizer('llama2', { templateSpecials: ['<s>', '<|end_of_turn|>'] });
    const { Tokenizer } = createRequire(import.meta.url)('tokenizers');
    // The tokenizer without <s>, </s>, <unk> as special: ochat's split_special_tokens.
    const j = JSON.parse(JSON.stringify(tok.spec.full));
    j.added_tokens = j.added_tokens.filter((t: { special: boolean }) => !t.special);
    raw = Tokenizer.fromString(JSON.stringify(j));
  });

  const conv: Conversation = {
    id: 'oc',
    source: { file: 't' },
    turns: [
      { role: 'user', content: 'What is </s> in Llama?' },
      { role: 'assistant', content: 'It is the end-of-sequence token, 你好 😀.' },
      { role: 'user', content: '  and <|end_of_turn|>?' },
      { role: 'assistant', content: "OpenChat's turn marker.", weight: 0.5 },
    ],
  };

  it('ids and weights equal prefix + content + end marker tokenized apart', async () => {
    const f = new Formatter(getTemplate('openchat_3.5', { bosToken: '<s>' }), tok, { maxLen: 4096, chunk: 'split', tokenize: 'segments' });
    const out = await f.formatBatch([conv]);
    const row = (out.items[0] as { rows: FormatRow[] }).rows[0]!;
    const eot = tok.spec.specials.get('<|end_of_turn|>')!.id;
    const ids: number[] = [1];
    const w: number[] = [0];
    for (const t of conv.turns) {
      const [prefix, content] = await raw.encodeBatch([t.role === 'user' ? 'GPT4 Correct User:' : 'GPT4 Correct Assistant:', t.content], { addSpecialTokens: false });
      const weight = t.role === 'assistant' ? (t.weight ?? 1) : 0;
      ids.push(...prefix!.getIds(), ...content!.getIds(), eot);
      w.push(...prefix!.getIds().map(() => 0), ...content!.getIds().map(() => weight), weight);
    }
    expect(Array.from(row.ids)).toEqual(ids);
    expect(Array.from(row.weights)).toEqual(w);
    expect(Array.from(row.labels)).toEqual(ids.map((id, i) => (w[i]! > 0 ? id : IGNORE_INDEX)));
  });

  it('differs from whole-string tokenization only where OpenChat does', async () => {
    const f = new Formatter(getTemplate('openchat_3.5', { bosToken: '<s>' }), tok, { maxLen: 4096, chunk: 'split', tokenize: 'whole' });
    const row = ((await f.formatBatch([conv])).items[0] as { rows: FormatRow[] }).rows[0]!;
    const text = (await tok.decodeBatch([row.ids]))[0]!;
    expect(text).toContain('What is </s> in Llama?');
    expect(Array.from(row.ids).filter((i) => i === 2)).toEqual([]); // the typed </s> is plain text
  });
});
