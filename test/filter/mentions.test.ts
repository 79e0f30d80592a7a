/**
 * filter_mentions against open-instruct's should_be_filtered (reformat_datasets.py @503407ee):
 * its list verbatim, and its decisions on the FastChat dummy conversations and hand-made cases
 * (fixtures/mentions_reference.json, written by fixtures/make_mentions_reference.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/core/types.js';
import { isReject } from '../../src/core/types.js';
import { defaultMentions } from '../../src/filter/mentions.js';
import stageDef from '../../src/filter/stages/filter_mentions.js';
import { asyncIterableOf, fakeCtx } from '../helpers/ctx.js';
import { collect, ROOT, sharedData } from '../helpers/paths.js';

interface Case {
  messages: { role: string; content: string }[];
  filtered: boolean;
}
const RAW = JSON.parse(readFileSync(join(ROOT, 'test/filter/fixtures/mentions_reference.json'), 'utf8')) as {
  filter_strings: string[];
  cases: (Case | { fastchat_index: number; filtered: boolean })[];
};
const FASTCHAT = JSON.parse(readFileSync(sharedData('public/FastChat_dummy_conversation.json'), 'utf8')) as { conversations: { from: string; value: string }[] }[];
const REF = {
  filter_strings: RAW.filter_strings,
  cases: RAW.cases.map(
    (c): Case =>
      'fastchat_index' in c ? { filtered: c.filtered, messages: FASTCHAT[c.fastchat_index]!.conversations.map((m) => ({ role: m.from === 'human' ? 'user' : 'assistant', content: m.value })) } : c,
  ),
};

const toConv = (c: (typeof REF.cases)[number], i: number): Conversation => ({
  id: `c${i}`,
  turns: c.messages.map((m) => ({ role: m.role as 'user', content: m.content })),
  source: { file: 'ref.json', index: i },
});

async function run(convs: Conversation[], opts: Record<string, unknown> = {}) {
  const stage = await stageDef.create(stageDef.options.parse(opts), { cwd: ROOT, where: 'test' });
  return collect(stage.run(asyncIterableOf(convs), fakeCtx('filter_mentions')));
}

describe('filter_mentions', () => {
  it("ships open-instruct's list verbatim", () => {
    expect(defaultMentions()).toEqual(REF.filter_strings);
  });

  it('drops exactly the conversations open-instruct filters', async () => {
    const convs = REF.cases.map(toConv);
    const out = await run(convs);
    expect(out.map((x) => isReject(x))).toEqual(REF.cases.map((c) => c.filtered));
    expect(REF.cases.filter((c) => c.filtered).length).toBeGreaterThan(10);
    expect(REF.cases.filter((c) => !c.filtered).length).toBeGreaterThan(10);
  });

  it('names the phrase and turn in the reject; exempt datasets pass', async () => {
    const c: Conversation = {
      id: 'x',
      turns: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'I was trained by Open AI, like ChatGPT.' },
      ],
      source: { file: 'f', line: 1 },
    };
    const [r] = await run([c]);
    expect(r).toMatchObject({ reason: 'mentions_other_model', id: 'x' });
    expect((r as { detail: string }).detail).toMatch(/^turn 1 \(assistant\) mentions "Open AI"/);
    const [kept] = await run([{ ...c, dataset: 'hard_coded' }], { except_datasets: ['hard_coded'] });
    expect(isReject(kept)).toBe(false);
  });
});
