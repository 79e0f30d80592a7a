/** OASST trees and the flat messages export against the paths open-instruct's dfs emits. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertRecord } from '../../../src/io/formats/index.js';
import { tempDir } from '../../helpers/paths.js';
import { convert, expected, messagesOf, raw, table } from './helpers.js';

const TREES = raw('oasst1/2023-04-12_oasst_ready.trees.jsonl');
const key = (m: { role: string; content: string }[]) => JSON.stringify(m);

describe('oasst trees', () => {
  for (const [name, topKReply] of [
    ['oasst_all', undefined],
    ['oasst_top1', 1],
    ['oasst_top2', 2],
  ] as const) {
    it(`${name}: the same paths in the same order`, async () => {
      const { convs } = await convert([TREES], 'oasst', { topKReply });
      expect(convs.map(messagesOf)).toEqual(expected(name).map((e) => e.messages));
    });
  }

  it('skips deleted nodes and their subtrees; a deleted root or a tree without an assistant leaf is a reject', async () => {
    const { convs, rejects } = await convert([TREES], 'oasst');
    const texts = convs.flatMap((c) => c.turns.map((t) => t.content));
    expect(texts).not.toContain('Spam reply');
    expect(texts).not.toContain('Answer to deleted');
    expect(rejects.map((r) => [r.id, r.reason])).toEqual([
      ['t3', 'deleted_message'],
      ['t4', 'empty_conversation'],
    ]);
    expect(convs.map((c) => c.id)).toEqual(['a3', 'a4', 'a2', 'b1', 'b2', 'b3']);
  });

  it('reads an export without labels with quality 0 (ties keep export order), not refused', async () => {
    const dir = tempDir();
    const strip = (n: Record<string, unknown>): void => {
      delete n.labels;
      (n.replies as Record<string, unknown>[]).forEach(strip);
    };
    const lines = readFileSync(TREES, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { prompt: Record<string, unknown> });
    lines.forEach((t) => strip(t.prompt));
    const file = join(dir, 'nolabels.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { convs } = await convert([file], 'oasst', { topKReply: 1 });
    // Every quality is 0: the first live reply wins at each level. a1 → p2 → a3; t2: b1.
    expect(convs.map((c) => c.id)).toEqual(['a3', 'b1']);
    expect(convs.map((c) => c.turns.length)).toEqual([4, 2]);
  });

  it('a flat messages row given to convertRecord says to read the whole file', () => {
    const [r] = convertRecord({ message_id: 'm', parent_id: null, role: 'prompter', text: 'x' }, 'oasst', { file: 'f.jsonl', line: 1 });
    expect(r).toMatchObject({ reason: 'malformed' });
    expect((r as { detail: string }).detail).toMatch(/convertFile/);
  });
});

describe('oasst flat messages export (Parquet written by pyarrow, Hub labels schema)', () => {
  for (const [name, topKReply] of [
    ['oasst_all', undefined],
    ['oasst_top1', 1],
    ['oasst_top2', 2],
  ] as const) {
    it(`${name}: the same set of paths as the trees`, async () => {
      const { convs } = await convert([table('oasst_messages.parquet')], 'auto', { topKReply });
      expect(convs.map((c) => key(messagesOf(c))).sort()).toEqual(
        expected(name)
          .map((e) => key(e.messages))
          .sort(),
      );
    });
  }

  it('the same from JSONL rows with trees-style labels, written newest first (replies ordered by created_date)', async () => {
    const dir = tempDir();
    const rows: Record<string, unknown>[] = [];
    const walk = (n: Record<string, unknown>, parent: string | null, tree: string) => {
      const { replies, ...rest } = n;
      rows.push({ ...rest, parent_id: parent, message_tree_id: tree, created_date: `2023-02-01T00:00:${String(rows.length).padStart(2, '0')}Z` });
      (replies as Record<string, unknown>[]).forEach((r) => walk(r, n.message_id as string, tree));
    };
    for (const l of readFileSync(TREES, 'utf8').trim().split('\n')) {
      const t = JSON.parse(l) as { prompt: Record<string, unknown>; message_tree_id: string };
      walk(t.prompt, null, t.message_tree_id);
    }
    const file = join(dir, 'messages.jsonl');
    writeFileSync(
      file,
      rows
        .reverse()
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const { convs } = await convert([file], 'oasst', { topKReply: 2 });
    expect(convs.map((c) => key(messagesOf(c))).sort()).toEqual(
      expected('oasst_top2')
        .map((e) => key(e.messages))
        .sort(),
    );
  });
});
