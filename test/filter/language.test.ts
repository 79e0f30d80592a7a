import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reject, type Conversation } from '../../src/core/types.js';
import { detectConversationLanguage, languageFilter, languageSample, loadEldDetect, parseLangs, stripForLanguage, type Detect } from '../../src/filter/language.js';
import { fromShareGpt, medicalConversations, readJson, runStage } from '../dedup/sample.js';

const user = (id: string, ...contents: string[]): Conversation => ({
  id,
  source: { file: 'fixture', index: 0 },
  turns: contents.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })),
});

const russian = readFileSync(resolve(import.meta.dirname, 'fixtures/russian_sentences.txt'), 'utf8')
  .split('\n')
  .map((s) => s.trim())
  .filter((s) => s && !s.startsWith('#'))
  .map((s, i) => user(`ru${i}`, s));
const english = readJson<unknown[]>('data/public/FastChat_dummy_conversation.json').map((r, i) => fromShareGpt(r, 'dummy', i)!);
const hanShare = (s: string) => (s.match(/\p{Script=Han}/gu)?.length ?? 0) / Math.max(1, s.match(/\p{L}/gu)?.length ?? 0);
const chinese = medicalConversations().filter(
  (c) =>
    hanShare(
      c.turns
        .filter((t) => t.role === 'user')
        .map((t) => t.content)
        .join(''),
    ) >= 0.3,
);

let detect: Detect;
beforeAll(async () => {
  detect = await loadEldDetect('large');
});

describe('language sample', () => {
  it('strips code blocks, inline code, URLs and tags', () => {
    const t = 'Explain this:\n```python\nprint("hello world")\n```\nand `x = 1` see https://example.com/a?b=c <b>now</b>';
    expect(stripForLanguage(t)).toBe('Explain this: and see now');
    expect(stripForLanguage('unclosed\n~~~\ncode until the end')).toBe('unclosed');
  });

  it('uses user turns, falls back to all turns when short, and is undetermined below the minimum', () => {
    const long = 'Please explain how merge sort works.';
    expect(languageSample(user('a', long, 'Sure.'))).toEqual({ text: long, basis: 'user' });
    expect(languageSample(user('b', 'Who are you?', 'I am a language model trained by researchers.'))?.basis).toBe('all');
    expect(languageSample(user('c', 'Hi', 'Hello!'))).toBeUndefined();
    expect(languageSample(user('d', 'x'.repeat(5000)))!.text).toHaveLength(2000);
  });
});

describe('language identification (eld, large)', () => {
  it('calls the labelled fixtures right', () => {
    const rate = (convs: Conversation[], lang: string) => convs.filter((c) => detectConversationLanguage(c, detect).lang === lang).length / convs.length;
    expect(english).toHaveLength(500);
    expect(rate(english, 'en')).toBe(1);
    expect(russian).toHaveLength(40);
    expect(rate(russian, 'ru')).toBeGreaterThanOrEqual(0.9); // 37/40: eld calls 3 short ones bg/uk
    expect(chinese.length).toBeGreaterThan(900);
    expect(rate(chinese, 'zh')).toBeGreaterThanOrEqual(0.97);
  });

  it('is not misled by code: a Chinese question with an English code block is Chinese', () => {
    const q = '请帮我看看这段代码为什么会报错，应该怎么修改？\n```js\nconst result = items.filter((item) => item.enabled).map((item) => item.name);\nconsole.log(result.join(", "));\n```';
    expect(detectConversationLanguage(user('z', q), detect)).toEqual({ lang: 'zh', basis: 'user' });
  });
});

describe('language filter', () => {
  it('--lang en keeps English, rejects Russian and Chinese with reason language, keeps and counts undetermined', async () => {
    const short = user('short', 'Hi', 'Hello!');
    const input = [...english.slice(0, 50), ...russian, ...chinese.slice(0, 50), short];
    const { kept, rejects, counters } = await runStage(languageFilter({ langs: ['en'] }), input);
    expect(kept.map((c) => c.id)).toEqual([...english.slice(0, 50).map((c) => c.id), 'short']);
    expect(rejects).toHaveLength(90);
    expect(rejects.every((r) => r.reason === 'language')).toBe(true);
    expect(rejects[0]).toMatchObject({ id: 'ru0', record: russian[0], source: russian[0]!.source });
    expect(rejects[0].detail).toMatch(/^detected "(ru|bg|uk)" from user turns, keeping en$/);
    expect(counters.get('language_undetermined')).toBe(1);
    expect(counters.get('language_detected_en')).toBe(50);
  });

  it('--lang zh,ru keeps both, with an injected identifier as well', async () => {
    const { kept } = await runStage(languageFilter({ langs: ['zh', 'ru'], detect }), [...russian.slice(0, 5), english[0]!]);
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept.map((c) => c.id)).not.toContain(english[0]!.id);
  });

  it('passes rejects made upstream on, in order, without looking at their records', async () => {
    const up = reject({ reason: 'duplicate', source: russian[0]!.source, id: 'ru0', record: russian[0] });
    const up2 = reject({ reason: 'too_short', source: { file: 'fixture', index: 1 }, id: 'x' });
    const { out, counters, stats } = await runStage(languageFilter({ langs: ['en'], detect }), [up, english[0]!, up2]);
    expect(out).toEqual([up, english[0], up2]);
    expect(out[0]).toBe(up);
    expect(out[2]).toBe(up2);
    // Only the one record was identified: the Russian record inside the reject was not.
    expect([...counters.entries()]).toEqual([['language_detected_en', 1]]);
    expect(stats.rejects.size).toBe(0);
  });

  it('parses and checks --lang values', () => {
    expect(parseLangs('en, ZH')).toEqual(['en', 'zh']);
    expect(parseLangs(['en', 'ru,zh'])).toEqual(['en', 'ru', 'zh']);
    expect(() => parseLangs('english')).toThrow(/not an ISO 639-1 code/);
    expect(() => parseLangs('')).toThrow(/no language given/);
  });
});
