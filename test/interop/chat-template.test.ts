/**
 * ids and trained positions against transformers: a ChatML template with `{% generation %}` blocks
 * set on the bundled Qwen3 tokenizer; transformers' `apply_chat_template(messages, tokenize=True,
 * return_dict=True, return_assistant_tokens_mask=True)` per conversation must give our row's
 * input_ids, and its assistant_masks must equal our assistant_masks column (labels != -100).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { runTokenize } from '../../src/format/run-tokenize.js';
import { resolveTokenizer } from '../../src/format/tokenizer/source.js';
import { sharedData, tempDir } from '../helpers/paths.js';
import { HAS_PYTHON, py, SKIP_REASON } from './python.js';

const CHATML_GENERATION =
  "{% for message in messages %}{% if message['role'] == 'assistant' %}{{ '<|im_start|>assistant\\n' }}{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\\n' }}" +
  "{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const tmp = tempDir('sftforge-interop-ct-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const APPLY = `
import json, sys
from transformers import AutoTokenizer
a = json.loads(sys.argv[1])
tok = AutoTokenizer.from_pretrained(a["tokenizer"])
out = []
for msgs in a["conversations"]:
    enc = tok.apply_chat_template(msgs, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    out.append({"input_ids": list(enc["input_ids"]), "assistant_masks": list(enc["assistant_masks"])})
print(json.dumps(out))
`;

describe.skipIf(!HAS_PYTHON)(`transformers apply_chat_template (${HAS_PYTHON ? 'venv found' : SKIP_REASON})`, () => {
  const tokDir = join(tmp, 'qwen3-chatml-generation');
  const input = join(tmp, 'convs.json');
  const out = join(tmp, 'out');
  let convs: { id: string; conversations: { from: string; value: string }[] }[];
  beforeAll(async () => {
    const q = await resolveTokenizer('qwen3');
    mkdirSync(tokDir, { recursive: true });
    copyFileSync(q.tokenizer, join(tokDir, 'tokenizer.json'));
    const config = JSON.parse(readFileSync(q.config!, 'utf8'));
    writeFileSync(join(tokDir, 'tokenizer_config.json'), JSON.stringify({ ...config, chat_template: CHATML_GENERATION }));
    convs = JSON.parse(readFileSync(sharedData('public', 'FastChat_dummy_conversation.json'), 'utf8')).slice(0, 140);
    writeFileSync(input, JSON.stringify(convs));
    await runTokenize({ inputs: [input], output: out, tokenizer: tokDir, template: 'hf', maxLen: 32768, quiet: true });
  }, 120_000);

  it("140 conversations: input_ids and assistant_masks equal transformers'", async () => {
    const messages = convs.map((c) => c.conversations.map((t) => ({ role: t.from === 'human' ? 'user' : 'assistant', content: t.value })));
    const want = await py<{ input_ids: number[]; assistant_masks: number[] }[]>(APPLY, { tokenizer: tokDir, conversations: messages });
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
    const rows: { id: string; input_ids: number[]; labels: number[]; assistant_masks: number[] }[] = [];
    for (const f of state._data_files) {
      for (const r of tableFromIPC(readFileSync(join(out, f.filename))).toArray()) {
        const o = r.toJSON() as Record<string, { toArray(): ArrayLike<number> } | string>;
        rows.push({
          id: String(o.id),
          input_ids: Array.from((o.input_ids as { toArray(): ArrayLike<number> }).toArray()),
          labels: Array.from((o.labels as { toArray(): ArrayLike<number> }).toArray()),
          assistant_masks: Array.from((o.assistant_masks as { toArray(): ArrayLike<number> }).toArray()),
        });
      }
    }
    expect(rows.map((r) => r.id)).toEqual(convs.map((c) => c.id));
    let trained = 0;
    rows.forEach((r, k) => {
      expect(r.input_ids, r.id).toEqual(want[k]!.input_ids);
      expect(r.assistant_masks, r.id).toEqual(want[k]!.assistant_masks);
      trained += want[k]!.assistant_masks.filter((m) => m === 1).length;
    });
    expect(trained).toBeGreaterThan(1000);
    // The fragment beside the shards carries the very template (and tokens) the rows were made with.
    const frag = JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8'));
    expect(frag.chat_template).toBe(CHATML_GENERATION);
    expect(frag.added_tokens_decoder['151645']).toMatchObject({ content: '<|im_end|>', special: true });
  }, 180_000);
});
