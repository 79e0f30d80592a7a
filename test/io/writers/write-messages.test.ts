import { buildEnv } from '../../../src/core/registry.js';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import stage from '../../../src/io/stages/write_messages.js';
import { isReject, reject, type Conversation } from '../../../src/core/types.js';
import { readConversations } from '../../../src/io/read.js';
import { asyncIterableOf, fakeCtx } from '../../helpers/ctx.js';
import { collect, sharedData, tempDir } from '../../helpers/paths.js';

const tmp = tempDir('sftforge-messages-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('write_messages', () => {
  it('writes {id, dataset, messages} in order, keeps a set weight, passes every item on, commits with the run', async () => {
    const convs = (await collect(readConversations([sharedData('public', 'FastChat_dummy_conversation.json')], {}))).filter((x) => !isReject(x)).slice(0, 3) as Conversation[];
    convs[1] = { ...convs[1]!, turns: convs[1]!.turns.map((t, i) => (i === 1 ? { ...t, weight: 0 } : t)) };
    const marker = reject({ reason: 'duplicate', source: { file: 'x.jsonl', line: 2 }, id: 'dup' });
    const items = [convs[0]!, marker, convs[1]!, convs[2]!];
    const out = join(tmp, 'm.jsonl');
    const def = stage;
    expect(def.output!({ path: out }, buildEnv(process.cwd(), 't'))).toEqual({ path: out, rejects: join(tmp, 'm.rejects.jsonl'), report: join(tmp, 'm.report.json') });
    const ctx = fakeCtx('write_messages');
    const s = await def.create(def.options.parse({ path: out }), buildEnv(process.cwd(), 't'));
    const passed = await collect(s.run(asyncIterableOf(items), ctx));
    expect(passed).toEqual(items);
    expect(existsSync(out)).toBe(false); // nothing in place before the run commits
    await ctx.outputs.commitAll();
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(convs.map((c) => c.id));
    expect(Object.keys(lines[0])).toEqual(['id', 'dataset', 'messages']);
    // open-instruct's `dataset`: the source's name (here the input file's).
    expect(lines[0].dataset).toBe('FastChat_dummy_conversation');
    const src = JSON.parse(readFileSync(sharedData('public', 'FastChat_dummy_conversation.json'), 'utf8'));
    const byId = new Map(src.map((r: { id: string }) => [r.id, r]));
    lines.forEach((l) => {
      const orig = byId.get(l.id) as { conversations: { from: string; value: string }[] };
      expect(l.messages.map((m: { role: string }) => m.role)).toEqual(orig.conversations.map((c) => (c.from === 'human' ? 'user' : 'assistant')));
      expect(l.messages.map((m: { content: string }) => m.content)).toEqual(orig.conversations.map((c) => c.value));
    });
    expect(lines[1].messages[1]).toHaveProperty('weight', 0);
    expect(lines[0].messages[1]).not.toHaveProperty('weight');
  });

  it('rejects unknown options (strict schema)', () => {
    expect(() => stage.options.parse({ path: 'x', format: 'y' })).toThrow();
  });
});
