import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation } from '../../src/core/types.js';
import { blockedWordsFilter, blockedWordsFromSpec, fastchatBlockedWordsPath, filterBlockedWords, findBlockedWord } from '../../src/filter/blocked-words.js';
import { PhraseMatcher } from '../../src/filter/phrase-matcher.js';
import { loadList, parseListText, readListFile } from '../../src/filter/lists.js';
import { medicalConversations, readJson, runStage } from '../dedup/sample.js';

interface RefResult {
  id: string;
  error_code: number;
}

/** Python's str.isprintable() for one character. */
const isPrintable = (ch: string) => ch === ' ' || !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u.test(ch);

/**
 * FastChat's clean_html_one_sample (@0e6d3e4b) step by step, with our filter in the place of its
 * contain_blocked_words: too short (1) → drop a leading non-human and a trailing human turn →
 * too short (1) → per turn: role order (2), blocked words (3), stop at the first empty or
 * non-printable-led turn → keep an even number of turns → fewer than 16 characters (1) → kept (0).
 * Everything but the blocked-words decision is FastChat's bookkeeping, replayed here so that
 * the same turns reach the filter (in sftforge the repair stage does that part).
 * MedicalGPT's values are already Markdown, so html_to_markdown is taken as strip().
 */
async function fastchatLikeCode(conv: Conversation, words: readonly string[]): Promise<number> {
  let turns = conv.turns;
  if (turns.length <= 1) return 1;
  if (turns[0]!.role !== 'user') turns = turns.slice(1);
  if (turns.length <= 1) return 1;
  if (turns[turns.length - 1]!.role === 'user') turns = turns.slice(0, -1);
  if (turns.length <= 1) return 1;
  // The turns FastChat looks at: up to the first wrong role, or the first empty turn (inclusive).
  let end = turns.length;
  let wrongRole = false;
  for (let i = 0; i < turns.length; i++) {
    if (turns[i]!.role !== (i % 2 ? 'assistant' : 'user')) {
      end = i;
      wrongRole = true;
      break;
    }
    const v = turns[i]!.content.trim();
    if (!v || !isPrintable([...v][0]!)) {
      end = i + 1;
      break;
    }
  }
  const { rejects } = await runStage(blockedWordsFilter({ words }), [{ ...conv, turns: turns.slice(0, end) }]);
  if (rejects.length) {
    expect(rejects[0].reason).toBe('blocked_words');
    return 3;
  }
  if (wrongRole) return 2;
  const kept = turns.slice(0, end).filter((t) => t.content.trim() && isPrintable([...t.content.trim()][0]!));
  const even = kept.slice(0, Math.floor(kept.length / 2) * 2);
  const chars = kept.reduce((n, t) => n + [...t.content.trim()].length, 0);
  return chars < 16 || even.length === 0 ? 1 : 0;
}

describe('blocked words', () => {
  it("reproduces FastChat's 105 blocked-words decisions on MedicalGPT (same list, per record)", async () => {
    const ref = readJson<{ clean_html_one_sample: { results: { medicalgpt_zh: RefResult[] }; error_code_counts: { medicalgpt_zh: Record<string, number> } } }>(
      'vectors/fastchat_clean_sharegpt_reference_outputs.json',
    ).clean_html_one_sample;
    expect(ref.error_code_counts.medicalgpt_zh).toEqual({ '0': 892, '1': 3, '3': 105 });
    const words = readListFile(fastchatBlockedWordsPath());
    expect(words).toEqual(['openai', 'chatgpt']);
    const convs = medicalConversations();
    expect(convs).toHaveLength(1000);
    const mismatches: string[] = [];
    const counts: Record<number, number> = {};
    for (const [i, conv] of convs.entries()) {
      const want = ref.results.medicalgpt_zh[i]!;
      expect(want.id).toBe(conv.id);
      const got = await fastchatLikeCode(conv, words);
      counts[got] = (counts[got] ?? 0) + 1;
      if (got !== want.error_code) mismatches.push(`${conv.id}: got ${got}, FastChat ${want.error_code}`);
    }
    expect(mismatches).toEqual([]);
    expect(counts).toEqual({ 0: 892, 1: 3, 3: 105 });
  });

  it('matches case-insensitive substrings in any turn and names word and turn', async () => {
    const conv: Conversation = {
      id: 'x',
      source: { file: 'f.jsonl', line: 3 },
      turns: [
        { role: 'user', content: 'Tell me about language models.' },
        { role: 'assistant', content: "I was trained by OpenAI's team." },
      ],
    };
    const m = new PhraseMatcher(['openai', 'chatgpt']);
    expect(findBlockedWord(conv, m)).toEqual({ word: 'openai', turn: 1 });
    const r = filterBlockedWords(conv, m);
    expect(r).toMatchObject({ __reject: true, reason: 'blocked_words', id: 'x', source: { file: 'f.jsonl', line: 3 }, record: conv });
    expect((r as { detail: string }).detail).toBe('turn 1 (assistant) contains blocked word "openai"');
    expect(filterBlockedWords({ ...conv, turns: [{ role: 'user', content: 'Chat GPT' }] }, m)).toMatchObject({ id: 'x' });
    const sys = { ...conv, turns: [{ role: 'system' as const, content: 'You are CHATGPT.' }, ...conv.turns.slice(0, 1)] };
    expect(filterBlockedWords(sys, m)).toMatchObject({ reason: 'blocked_words' });
    const { kept, rejects } = await runStage(blockedWordsFilter({ words: ['openai'] }), [conv, { ...conv, id: 'y', turns: conv.turns.slice(0, 1) }]);
    expect([kept.map((c) => c.id), rejects.map((c) => c.id)]).toEqual([['y'], ['x']]);
  });

  it('takes a file or a comma list, and rejects a missing file and an empty list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sftforge-bw-'));
    const file = join(dir, 'words.txt');
    writeFileSync(file, '# comment\n  OpenAI  \n\nBard\n"trailing space "\n');
    expect(blockedWordsFromSpec(file).words).toEqual(['OpenAI', 'Bard', 'trailing space ']);
    expect(blockedWordsFromSpec('openai, chatgpt,').words).toEqual(['openai', 'chatgpt']);
    expect(() => loadList(join(dir, 'missing.txt'), '--blocked-words')).toThrow(/--blocked-words: file not found/);
    expect(() => loadList(' , ', '--blocked-words')).toThrow(/empty list/);
    writeFileSync(join(dir, 'empty.txt'), '# nothing\n');
    expect(() => readListFile(join(dir, 'empty.txt'))).toThrow(/no entries/);
    expect(() => blockedWordsFilter({ words: [] })).toThrow(/empty/);
    expect(parseListText('a\r\nb\r\n')).toEqual(['a', 'b']);
  });
});
