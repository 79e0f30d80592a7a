import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanConversation, trimInvisible } from '../../src/clean/clean-conversation.js';
import { isErrorTurn } from '../../src/clean/error-turns.js';
import { isReject, type Conversation, type Turn } from '../../src/core/types.js';

const conv = (...turns: [Turn['role'], string][]): Conversation => ({ id: 't', source: { file: 'mem', index: 0 }, turns: turns.map(([role, content]) => ({ role, content })) });
const reason = (c: Conversation) => {
  const r = cleanConversation(c).out;
  return isReject(r) ? r.reason : 'kept';
};
const HTML = (inner: string) => `<div class="markdown prose w-full break-words dark:prose-invert light">${inner}</div>`;

describe('cleanConversation: repairs', () => {
  it('removes leading assistant turns and a trailing user turn, counting each', () => {
    const r = cleanConversation(conv(['assistant', 'stray'], ['user', 'What is 2*3?'], ['assistant', 'It is six.'], ['user', 'thanks']));
    expect(isReject(r.out)).toBe(false);
    expect((r.out as Conversation).turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(r.repairs).toEqual(['leading_assistant_removed', 'trailing_user_removed']);
  });

  it('converts HTML assistant turns and never touches user turns', () => {
    const user = 'Why does `#include <stdio.h>` fail? <b>bold</b> stays literal';
    const r = cleanConversation(conv(['user', user], ['assistant', HTML('<p>Use <code>snake_case</code> and 2*3</p>')]));
    const c = r.out as Conversation;
    expect(c.turns[0]!.content).toBe(user);
    expect(c.turns[1]!.content).toBe('Use `snake_case` and 2*3');
    expect(r.repairs).toContain('html_converted');
  });

  it('passes Markdown assistant turns through unchanged', () => {
    const md = '# Title\n\n- a_b\n- [x] done\n\n```c\n#include <stdio.h>\n```';
    const c = cleanConversation(conv(['user', 'show me some C code'], ['assistant', md])).out as Conversation;
    expect(c.turns[1]!.content).toBe(md);
  });

  it('keeps a first system turn', () => {
    const c = cleanConversation(conv(['system', 'Be brief.'], ['user', 'Hello there, friend'], ['assistant', 'Hi.'])).out as Conversation;
    expect(c.turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant']);
  });
});

describe('cleanConversation: reject reasons', () => {
  it('wrong_format: no round, broken alternation, system in the middle', () => {
    expect(reason(conv(['user', 'only a question here']))).toBe('wrong_format');
    expect(reason(conv(['user', 'a question here'], ['user', 'another'], ['assistant', 'answer']))).toBe('wrong_format');
    expect(reason(conv(['user', 'a question here'], ['system', 'x'], ['assistant', 'answer']))).toBe('wrong_format');
    expect(reason(conv())).toBe('wrong_format');
  });

  it('empty_turn: a turn empty after cleaning (HTML that holds nothing included)', () => {
    expect(reason(conv(['user', 'a question here'], ['assistant', '']))).toBe('empty_turn');
    expect(reason(conv(['user', 'a question here'], ['assistant', HTML('<p> </p>')]))).toBe('empty_turn');
    expect(reason(conv(['user', '   '], ['assistant', 'an answer that is long']))).toBe('empty_turn');
  });

  it('error_turn: ChatGPT UI error messages, but not answers that mention them', () => {
    expect(reason(conv(['user', 'a question here'], ['assistant', 'Too many requests in 1 hour. Try again later.']))).toBe('error_turn');
    expect(reason(conv(['user', 'q?'], ['assistant', HTML('<p>network error</p>')]))).toBe('error_turn');
    expect(reason(conv(['user', 'what causes a network error?'], ['assistant', 'A network error happens when the connection drops, e.g. ...']))).toBe('kept');
    expect(isErrorTurn('An error occurred. If this issue persists please contact us through our help center at help.openai.com.')).toBe(true);
  });

  it("too_short: fewer than 16 characters in all (FastChat's rule)", () => {
    expect(reason(conv(['user', '你好'], ['assistant', '你好！今天我能为您做什么？']))).toBe('too_short'); // 15 characters
    expect(reason(conv(['user', '你好!'], ['assistant', '你好！今天我能为您做什么？']))).toBe('kept'); // 16
  });

  it('too_deep and too_large are decided before the converter sees the turn', () => {
    const deep = HTML('<div>'.repeat(20000) + 'x' + '</div>'.repeat(20000));
    const t0 = performance.now();
    expect(reason(conv(['user', 'a question here'], ['assistant', deep]))).toBe('too_deep');
    expect(performance.now() - t0).toBeLessThan(200);
    const r = cleanConversation(conv(['user', 'a question here'], ['assistant', 'x'.repeat(100)]), { maxTurnBytes: 50 }).out;
    expect(isReject(r) && r.reason).toBe('too_large');
  });

  it('a reject carries the id, the source and the original record', () => {
    const c = conv(['user', 'a question here'], ['assistant', '']);
    const r = cleanConversation(c).out;
    expect(r).toMatchObject({ reason: 'empty_turn', id: 't', source: { file: 'mem', index: 0 }, record: c });
  });
});

describe('trimInvisible', () => {
  // The specification: JavaScript's whitespace class and the UI's invisible characters, at both ends.
  const spec = (s: string) => s.replace(/^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g, '');
  it('trims what the regular expression trims, and nothing else', () => {
    const ch = fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '\u200b', '\u200d', '\u2060', '\ufeff', '\u200e', 'a', 'é', '\ud83d', '\ude00', '\u0085', '\u180e');
    fc.assert(
      fc.property(
        fc.array(ch, { maxLength: 12 }).map((a) => a.join('')),
        (s) => {
          expect(trimInvisible(s)).toBe(spec(s));
        },
      ),
      { numRuns: 2000 },
    );
    expect(trimInvisible('\u200b \u00a0x y\u3000\ufeff')).toBe('x y');
    expect(trimInvisible('\u200e x')).toBe('\u200e x'); // a direction mark is not trimmed
  });
});
