/**
 * The formatter skips the prompt-prefix check (check.ts, checkPromptPrefix) for templates that
 * declare `promptIsPrefix`. Here the check runs on every such template over generated
 * conversations: it must never fail nor count a gap, or the skip would hide a rejection. And a
 * formatter that skips it gives the same rows, rejects and counters as one that runs it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Conversation, Turn } from '../../src/core/types.js';
import { checkPromptPrefix, promptRenderer } from '../../src/format/check.js';
import { Formatter } from '../../src/format/formatter.js';
import { getTemplate, listTemplates } from '../../src/format/templates/index.js';
import type { ChatTemplate, Rendered, TemplateOptions } from '../../src/format/templates/types.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/format/tokenizer/index.js';

const text = fc.constantFrom(
  '',
  ' ',
  '\n',
  ' Hello',
  'Hi there  ',
  '\n\nsecond\n',
  '</s>',
  '<s>',
  '<|im_end|>',
  '<|im_start|>assistant\n',
  '[INST]',
  ' [/INST] ',
  'ASSISTANT:',
  '### Human:',
  '你好 😀',
  '\t',
);
const content = fc.array(text, { maxLength: 4 }).map((xs) => xs.join(''));
const weight = fc.constantFrom(undefined, 0, 0.5, 1);
/** Mostly well-formed (optional system, user/assistant alternating), sometimes not. */
const turns: fc.Arbitrary<Turn[]> = fc
  .record({
    system: fc.option(content, { nil: undefined }),
    n: fc.integer({ min: 1, max: 7 }),
    contents: fc.array(content, { minLength: 7, maxLength: 7 }),
    weights: fc.array(weight, { minLength: 7, maxLength: 7 }),
    swap: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 5 }),
  })
  .map(({ system, n, contents, weights, swap }) => {
    const out: Turn[] = system === undefined ? [] : [{ role: 'system', content: system }];
    for (let i = 0; i < n; i++) {
      const role = (i % 2 === 0) !== (i === swap) ? 'user' : 'assistant';
      out.push({ role, content: contents[i]!, ...(role === 'assistant' && weights[i] !== undefined && { weight: weights[i] }) });
    }
    return out;
  });
const options: fc.Arbitrary<TemplateOptions> = fc.constantFrom({}, { addBos: false }, { bosToken: '<|bos|>', eosToken: '<|eos|>' }, { systemPrompt: '' }, { systemPrompt: 'Be brief.\n' });

function claimers(o: TemplateOptions): ChatTemplate[] {
  const out: ChatTemplate[] = [];
  for (const name of listTemplates()) {
    let t: ChatTemplate;
    try {
      t = getTemplate(name, o);
    } catch {
      continue; // `hf` needs a tokenizer's template
    }
    if (t.promptIsPrefix) out.push(t);
  }
  return out;
}

function rendered(t: ChatTemplate, ts: readonly Turn[]): Rendered | undefined {
  try {
    return t.render(ts);
  } catch {
    return undefined; // rejected before any check
  }
}

describe('promptIsPrefix', () => {
  it('is claimed by the FastChat templates (chatml, vicuna_v1.1, llama-2, ...)', () => {
    const names = claimers({}).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['chatml', 'vicuna_v1.1', 'llama-2', 'zephyr', 'mistral', 'qwen', 'one_shot']));
  });

  it('the prompt-prefix check cannot fail on a template that claims it', () => {
    let checked = 0;
    fc.assert(
      fc.property(options, turns, (o, ts) => {
        for (const t of claimers(o)) {
          const r = rendered(t, ts);
          if (!r) continue;
          checked++;
          expect(checkPromptPrefix(promptRenderer(t, ts), ts, r), `${t.name} ${JSON.stringify(ts)}`).toEqual({ gaps: 0 });
        }
      }),
      { numRuns: 400, seed: 16 },
    );
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('the formatter without the check', () => {
  let tok: LoadedTokenizer;
  beforeAll(async () => {
    tok = await loadTokenizer('qwen3', { templateSpecials: ['<|im_start|>', '<|im_end|>'], backend: 'js' });
  });

  it('gives the same rows, rejects and counters as with it', async () => {
    const t = getTemplate('chatml', { addBos: false, eosToken: '<|im_end|>' });
    expect(t.promptIsPrefix).toBe(true);
    const checking = Object.assign(Object.create(t) as ChatTemplate, { promptIsPrefix: false });
    const convs: Conversation[] = fc.sample(turns, { numRuns: 120, seed: 7 }).map((ts, i) => ({ id: `c${i}`, source: { file: 't' }, turns: ts }));
    const o = { maxLen: 64, chunk: 'split' as const, tokenize: 'whole' as const };
    const a = await new Formatter(t, tok, o).formatBatch(convs);
    const b = await new Formatter(checking, tok, o).formatBatch(convs);
    expect(a).toEqual(b);
  });
});
