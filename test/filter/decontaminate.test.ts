import { buildEnv } from '../../src/core/registry.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import stageDef from '../../src/filter/stages/decontaminate.js';
import { ContaminationIndex, wordsOf, type BenchmarkItem } from '../../src/filter/decontaminate.js';
import { loadEvalsets } from '../../src/filter/evalsets.js';
import { isReject, reject, type Conversation, type RejectMarker } from '../../src/core/types.js';
import { asyncIterableOf, fakeCtx } from '../helpers/ctx.js';
import { ROOT, collect, sharedData, tempDir } from '../helpers/paths.js';

const jsonl = (p: string) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const alpaca = jsonl(sharedData('evalsets', 'alpaca_eval_805.jsonl')) as { id: number; instruction: string }[];
const mtBench = jsonl(sharedData('evalsets', 'mt_bench_80.jsonl')) as { id: number; turns: string[] }[];
const vicuna = jsonl(sharedData('evalsets', 'vicuna_bench_80.jsonl')) as { id: number; turns: string[] }[];

/**
 * The rule of issue 14 written the slow, obvious way (strings, no hashing, no index), to check the
 * indexed matcher against. Only the word splitting is shared.
 */
const gramCache = new Map<string, Set<string>>();
const wordCache = new Map<string, string[]>();
const cachedWords = (s: string) => {
  let w = wordCache.get(s);
  if (!w) wordCache.set(s, (w = wordsOf(s)));
  return w;
};
function naiveShare(prompt: string, text: string, n: number): number {
  const p = cachedWords(prompt);
  const t = cachedWords(text);
  if (p.length < n) return p.join(' ') === t.join(' ') ? 1 : 0;
  const grams = (w: string[]) => new Set(Array.from({ length: w.length - n + 1 }, (_, i) => w.slice(i, i + n).join(' ')));
  let pg = gramCache.get(prompt);
  if (!pg) gramCache.set(prompt, (pg = grams(p)));
  const tg = t.length >= n ? grams(t) : new Set<string>();
  let hit = 0;
  for (const g of pg) if (tg.has(g)) hit++;
  return hit / pg.size;
}

let n = 0;
const conv = (turns: [string, string][], id = `r${++n}`): Conversation => ({
  id,
  turns: turns.map(([role, content]) => ({ role: role as 'user' | 'assistant', content })),
  source: { file: 'dump.jsonl', line: n },
});

async function runStage(options: Record<string, unknown>, items: unknown[], cwd = ROOT) {
  const o = stageDef.options.parse(options);
  const stage = await stageDef.create(o, buildEnv(cwd, 'test'));
  const ctx = fakeCtx('decontaminate');
  const out = await collect(stage.run(asyncIterableOf(items), ctx));
  return { out, ctx };
}

describe('wordsOf', () => {
  it('takes runs of letters and digits, lower-cased', () => {
    expect(wordsOf("What's   the CAPITAL of\tFrance? (in 2024)")).toEqual(['what', 's', 'the', 'capital', 'of', 'france', 'in', '2024']);
  });
  it('segments Chinese and Japanese into words, the same way inside a longer text', () => {
    const zh = wordsOf('请解释一下量子计算的基本原理');
    expect(zh.length).toBeGreaterThan(4);
    expect(zh.join('')).toBe('请解释一下量子计算的基本原理');
    const longer = wordsOf('你好！我有一个问题：请解释一下量子计算的基本原理。谢谢');
    expect(longer.join(' ')).toContain(zh.slice(1, -1).join(' '));
    expect(wordsOf('日本語のテキスト').length).toBeGreaterThan(1);
  });
});

describe('ContaminationIndex against the bundled benchmarks', () => {
  let items: BenchmarkItem[];
  let index: ContaminationIndex;
  beforeAll(async () => {
    items = await loadEvalsets(['alpaca_eval', 'mt_bench', 'vicuna_bench'], ROOT);
    index = new ContaminationIndex(items);
  });

  it('bundles exactly the shared eval sets (805 + 2×80 + 80 prompts)', () => {
    expect(items.filter((i) => i.benchmark === 'alpaca_eval')).toHaveLength(805);
    expect(items.filter((i) => i.benchmark === 'mt_bench')).toHaveLength(160);
    expect(items.filter((i) => i.benchmark === 'vicuna_bench')).toHaveLength(80);
    for (const f of ['alpaca_eval_805.jsonl', 'mt_bench_80.jsonl', 'vicuna_bench_80.jsonl', 'SOURCES.md']) {
      expect(readFileSync(join(ROOT, 'configs/evalsets', f), 'utf8')).toBe(readFileSync(sharedData('evalsets', f), 'utf8'));
    }
  });

  it('finds every benchmark prompt verbatim (share 1, or an identical prompt of another benchmark)', () => {
    for (const it of items) {
      const m = index.match(it.text);
      expect(m, `${it.benchmark} ${it.id}`).toBeDefined();
      expect(naiveShare(m!.item.text, it.text, 8)).toBe(1);
    }
  });

  it('finds prompts re-cased, re-spaced, embedded in a longer message, and names the item', () => {
    const p = alpaca[100]!.instruction;
    const recased = p.toUpperCase().replace(/ /g, '   \n ');
    const embedded = `Hi there! I have homework due tomorrow and I'm stuck.\n\n${p}\n\nPlease answer in detail, thanks a lot.`;
    for (const text of [recased, embedded]) {
      const m = index.match(text)!;
      expect(m.item).toMatchObject({ benchmark: 'alpaca_eval', id: '100' });
    }
  });

  it('does not match near misses that share only a few words', () => {
    const p = vicuna[0]!.turns[0]!; // How can I improve my time management skills?
    expect(index.match(p.replace('time management', 'public speaking'))).toBeUndefined();
    const long = mtBench[0]!.turns[0]!;
    const w = long.split(' ');
    // Every fourth word replaced: no 8-gram of the prompt survives.
    const broken = w.map((x, i) => (i % 4 === 3 ? 'banana' : x)).join(' ');
    expect(naiveShare(long, broken, 8)).toBe(0);
    expect(index.match(broken)).toBeUndefined();
    expect(index.match('Compose an engaging travel blog post about my cat.')).toBeUndefined();
  });

  it('agrees with the naive rule on real ShareGPT text and on partial copies', () => {
    const dummy = JSON.parse(readFileSync(sharedData('public', 'FastChat_dummy_conversation.json'), 'utf8')) as { conversations: { from: string; value: string }[] }[];
    const texts = dummy.flatMap((d) => d.conversations.filter((c) => c.from === 'human').map((c) => c.value)).slice(0, 150);
    // Chinese text, read by the index with only the CJK runs that can hold a prompt word segmented.
    const zh = readFileSync(sharedData('public', 'MedicalGPT_sharegpt_zh_1K_format.jsonl'), 'utf8').trim().split('\n').slice(0, 40);
    for (const l of zh) texts.push((JSON.parse(l) as { conversations: { value: string }[] }).conversations[0]!.value);
    texts.push(`请把这段话翻译成英文：${mtBench.find((m) => m.id === 95)!.turns[0]}`);
    // Partial copies around the threshold: the first k words of long prompts.
    for (const a of alpaca.slice(0, 300)) {
      const w = a.instruction.split(/\s+/);
      if (w.length >= 20) texts.push(w.slice(0, Math.ceil(w.length * 0.45)).join(' '), w.slice(0, Math.ceil(w.length * 0.7)).join(' '));
    }
    let checked = 0;
    let nearThreshold = 0;
    for (const t of texts) {
      const m = index.match(t);
      const best = Math.max(...items.map((it) => naiveShare(it.text, t, 8)));
      if (best >= 0.4 && best < 0.5) nearThreshold++;
      expect(m === undefined, t.slice(0, 80)).toBe(best < 0.5);
      if (m) expect(naiveShare(m.item.text, t, 8)).toBeCloseTo(best, 12);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
    expect(nearThreshold).toBeGreaterThan(0);
  });
});

describe('decontaminate stage', () => {
  it('rejects planted prompts (verbatim, re-cased, re-spaced, embedded, later turns), keeps the rest, in order', async () => {
    const a = alpaca[42]!.instruction;
    const mt2 = mtBench[5]!.turns[1]!;
    const v = vicuna[10]!.turns[0]!;
    const recs = [
      conv(
        [
          ['user', a],
          ['assistant', 'ok'],
        ],
        'verbatim',
      ),
      conv(
        [
          ['user', 'Tell me a joke about penguins.'],
          ['assistant', 'No.'],
        ],
        'clean1',
      ),
      conv(
        [
          ['user', v.toLowerCase().replace(/\s+/g, '  ')],
          ['assistant', 'ok'],
        ],
        'respaced',
      ),
      reject({ reason: 'malformed', source: { file: 'x', line: 1 } }),
      conv(
        [
          ['user', 'hello'],
          ['assistant', 'hi'],
          ['user', `So, ${mtBench[5]!.turns[0]} Thanks!`],
          ['assistant', 'ok'],
        ],
        'later_turn',
      ),
      conv(
        [
          ['user', 'hello'],
          ['assistant', a],
        ],
        'assistant_only',
      ),
      conv(
        [
          ['user', 'x'],
          ['assistant', 'y'],
          ['user', mt2],
          ['assistant', 'z'],
        ],
        'mt_turn2',
      ),
    ];
    const { out, ctx } = await runStage({}, recs);
    const rejects = out.filter(isReject) as RejectMarker[];
    expect(out.map((x) => (isReject(x) ? `R:${x.id ?? x.reason}` : (x as Conversation).id))).toEqual([
      'R:verbatim',
      'clean1',
      'R:respaced',
      'R:malformed',
      'R:later_turn',
      'assistant_only',
      'R:mt_turn2',
    ]);
    const byId = Object.fromEntries(rejects.map((r) => [r.id, r]));
    expect(byId.verbatim).toMatchObject({ reason: 'contaminated', source: { file: 'dump.jsonl' } });
    expect(byId.verbatim!.detail).toContain('alpaca_eval #42');
    expect(byId.later_turn!.detail).toMatch(/mt_bench #\d+ turn 1 in user turn 2/);
    expect(byId.mt_turn2!.detail).toMatch(new RegExp(`mt_bench #${mtBench[5]!.id} turn 2 in user turn 2`));
    expect((byId.verbatim!.record as Conversation).id).toBe('verbatim');
    const counters = ctx.stats.toJSON().counters;
    // AlpacaEval holds the 80 Vicuna questions: a Vicuna prompt counts for both benchmarks.
    const vInAlpaca = alpaca.some((x) => wordsOf(x.instruction).join(' ') === wordsOf(v).join(' '));
    expect(vInAlpaca).toBe(true);
    expect(counters).toEqual({ contaminated_alpaca_eval: 2, contaminated_vicuna_bench: 1, contaminated_mt_bench: 2 });
    expect(byId.respaced!.detail).toMatch(/^alpaca_eval #\d+ in user turn 1 \(100% of its 8-grams\); also vicuna_bench #11$/);
  });

  it("matches the user's own Chinese benchmark file, embedded and re-spaced, and not a near miss", async () => {
    const dir = tempDir();
    const zh = [
      { id: 'zh1', text: '请详细解释一下量子计算的基本原理以及它与经典计算的区别' },
      { id: 'zh2', text: '写一首关于秋天落叶的七言绝句' },
    ];
    writeFileSync(join(dir, 'my_bench.jsonl'), zh.map((z) => JSON.stringify(z)).join('\n') + '\n');
    const recs = [
      conv(
        [
          ['user', `你好！${zh[0]!.text}，谢谢你。`],
          ['assistant', '好的'],
        ],
        'embedded',
      ),
      conv(
        [
          ['user', zh[1]!.text.split('').join(' ')],
          ['assistant', '好的'],
        ],
        'respaced_short',
      ),
      conv(
        [
          ['user', '请详细解释一下机器学习的基本原理'],
          ['assistant', '好的'],
        ],
        'near_miss',
      ),
    ];
    const { out, ctx } = await runStage({ benchmarks: ['my_bench.jsonl'] }, recs, dir);
    expect(out.map((x) => (isReject(x) ? `R:${x.id}` : (x as Conversation).id))).toEqual(['R:embedded', 'R:respaced_short', 'near_miss']);
    expect((out[0] as RejectMarker).detail).toContain('my_bench #zh1');
    expect(ctx.stats.toJSON().counters).toEqual({ contaminated_my_bench: 2 });
  });

  it('takes ngram and threshold', async () => {
    const p = alpaca.find((x) => x.instruction.split(' ').length >= 30)!.instruction;
    const w = p.split(' ');
    const part = w.slice(0, Math.floor(w.length * 0.4)).join(' ');
    const recs = [
      conv([
        ['user', part],
        ['assistant', 'ok'],
      ]),
    ];
    expect((await runStage({}, recs)).out.filter(isReject)).toHaveLength(0);
    expect((await runStage({ threshold: 0.2 }, recs)).out.filter(isReject)).toHaveLength(1);
  });

  it('refuses unknown options and unreadable benchmarks with a hint', async () => {
    expect(() => stageDef.options.parse({ ngrams: 8 })).toThrow();
    await expect(runStage({ benchmarks: ['nope.jsonl'] }, [])).rejects.toThrow(/nope\.jsonl[\s\S]*hint: name a bundled benchmark/);
  });
});
