import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reject, type Conversation } from '../../src/core/types.js';
import { candidateProbability, estimateJaccard, jaccard, minhashSignature, optimalLshParams, shingleHashes, signatureOfShingles, tokenize } from '../../src/dedup/minhash.js';
import { conversationText, dedupNear, estimateJaccard8, NearDeduper, nearDedup } from '../../src/dedup/near.js';
import { readJson, runStage } from './sample.js';

const conv = (id: string, ...contents: string[]): Conversation => ({
  id,
  source: { file: 't.json', index: 0 },
  turns: contents.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })),
});

/** Assistant answers of the ShareGPT sample's truth file (clean Markdown), in file order. */
function truthAnswers(): string[] {
  const truth = readJson<Record<string, (string | null)[] | null>>('data/sharegpt_html_sample.truth.json');
  return Object.values(truth).flatMap((v) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []));
}
const HAN = /\p{Script=Han}/u;

describe('tokens and shingles', () => {
  it('uses words for spaced scripts and characters for CJK, in one rule', () => {
    expect(tokenize('Hello, World! naïve café_2')).toEqual(['hello', 'world', 'naïve', 'café', '2']);
    expect(tokenize('量子通量 is 设计')).toEqual(['量', '子', '通', '量', 'is', '设', '计']);
    expect(tokenize('Привет, мир')).toEqual(['привет', 'мир']);
    expect(tokenize(' ... ')).toEqual([]);
  });

  it('gives one shingle to texts shorter than k, and ignores punctuation and case', () => {
    expect(shingleHashes('two words', 5)).toHaveLength(1);
    expect(shingleHashes('one two three four five six', 5)).toHaveLength(2);
    expect(shingleHashes('', 5)).toHaveLength(0);
    expect([...shingleHashes('One, two; THREE four five six.', 5)]).toEqual([...shingleHashes('one two three four five six', 5)]);
  });
});

describe('MinHash', () => {
  it('is deterministic: fixed seeds, same signature on every run (pinned)', () => {
    const a = minhashSignature('the quick brown fox jumps over the lazy dog');
    expect(a).toHaveLength(128);
    expect(minhashSignature('the quick brown fox jumps over the lazy dog')).toEqual(a);
    // Pinned values: a change here means signatures from older runs or other shards no longer compare.
    expect([...a.slice(0, 4)]).toEqual(PINNED_FIRST_4);
    expect(minhashSignature('x', { seed: 2 })).not.toEqual(minhashSignature('x', { seed: 1 }));
  });

  it('estimates the Jaccard similarity of random shingle sets within tolerance', () => {
    // 256 permutations: standard deviation ≤ 0.031; tolerance 0.15 is ~5 sigma. Seeded, so not flaky.
    const errors: number[] = [];
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 3, maxLength: 400 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (pool, pa, pb) => {
        // A and B take overlapping slices of the pool: [0, a) and [b, n).
        const n = pool.length;
        const aEnd = Math.max(1, Math.round((n * (50 + pa / 2)) / 100));
        const bStart = Math.min(n - 1, Math.round((n * pb) / 200));
        const A = Uint32Array.from(pool.slice(0, aEnd));
        const B = Uint32Array.from(pool.slice(bStart));
        const truth = jaccard(A, B);
        const est = estimateJaccard(signatureOfShingles(A, { numPerm: 256 }), signatureOfShingles(B, { numPerm: 256 }));
        errors.push(est - truth);
        expect(Math.abs(est - truth)).toBeLessThanOrEqual(0.15);
      }),
      { seed: 20240601, numRuns: 200 },
    );
    const bias = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(Math.abs(bias)).toBeLessThan(0.01);
  });

  it('estimates text similarity: identical 1, disjoint ~0, edited copy close to the true Jaccard', () => {
    const text = truthAnswers().find((t) => !HAN.test(t) && t.split(/\s+/).length > 300)!;
    const words = text.split(' ');
    const edited = words.map((w, i) => (i % 40 === 7 ? 'CHANGED' : w)).join(' ');
    expect(estimateJaccard(minhashSignature(text), minhashSignature(text))).toBe(1);
    expect(estimateJaccard(minhashSignature(text), minhashSignature('完全不同的一段中文文字，没有任何相同的词语。'))).toBeLessThan(0.05);
    const t = jaccard(shingleHashes(text), shingleHashes(edited));
    expect(Math.abs(estimateJaccard(minhashSignature(text), minhashSignature(edited)) - t)).toBeLessThan(0.15);
  });

  it('chooses bands × rows from the threshold (false negatives weighted 0.9)', () => {
    const p = optimalLshParams(0.8, 128);
    expect([p.bands, p.rows]).toEqual([14, 9]);
    expect(candidateProbability(0.8, p.bands, p.rows)).toBeGreaterThan(0.85);
    expect(candidateProbability(0.5, p.bands, p.rows)).toBeLessThan(0.03);
    expect([optimalLshParams(0.7, 128).bands, optimalLshParams(0.9, 128).bands]).toEqual([20, 8]);
    // datasketch's equal weights give its known 9 × 13 for 0.8.
    const d = optimalLshParams(0.8, 128, 0.5);
    expect([d.bands, d.rows]).toEqual([9, 13]);
    expect(() => optimalLshParams(1, 128)).toThrow(RangeError);
  });

  it('corrects the 8-bit estimate for chance matches', () => {
    const a = new Uint8Array(256).map((_, i) => i);
    expect(estimateJaccard8(a, a)).toBe(1);
    expect(
      estimateJaccard8(
        a,
        a.map((v) => (v + 1) & 0xff),
      ),
    ).toBe(0);
  });
});

describe('near dedup', () => {
  it('catches lightly edited copies (English and Chinese), first occurrence wins', async () => {
    const answers = truthAnswers();
    const en = answers.find((t) => !HAN.test(t) && t.split(/\s+/).length > 200)!;
    const zh = answers.find((t) => HAN.test(t) && t.length > 400)!;
    // 1 % of the words changed (with 5-word shingles that is ~5 % of the shingles), case and
    // punctuation changed, whitespace re-wrapped; 1 % of the Chinese characters changed.
    const enEdited = en
      .split(' ')
      .map((w, i) => (i % 100 === 5 ? 'different' : w))
      .join('  ')
      .toUpperCase()
      .replace(/\./g, ';');
    const zhEdited = [...zh].map((c, i) => (i % 100 === 10 ? '改' : c)).join('');
    expect(jaccard(shingleHashes(en), shingleHashes(enEdited))).toBeGreaterThan(0.85);
    expect(jaccard(shingleHashes(zh), shingleHashes(zhEdited))).toBeGreaterThan(0.85);
    const recs = [
      conv('en', 'Explain this.', en),
      conv('zh', '请解释。', zh),
      conv('other', 'Unrelated question', 'An unrelated answer about cooking pasta with tomatoes and basil.'),
      conv('en2', 'Explain this.', enEdited),
      conv('zh2', '请解释。', zhEdited),
    ];
    const { kept, rejects } = await runStage(nearDedup({ threshold: 0.8 }), recs);
    expect(kept.map((c) => c.id)).toEqual(['en', 'zh', 'other']);
    expect(rejects.map((r) => [r.reason, r.id, /near duplicate of (\S+) /.exec(r.detail)![1]])).toEqual([
      ['near_duplicate', 'en2', 'en'],
      ['near_duplicate', 'zh2', 'zh'],
    ]);
    expect(rejects[0].record).toBe(recs[3]);
    expect(rejects[0].detail).toMatch(/estimated Jaccard 0\.\d{3} ≥ 0\.8/);
  });

  it('keeps distinct records and removes near-identical ones, against the true Jaccard', async () => {
    // 300 distinct answers of the truth file (English and Chinese), then an edited copy (0.5 % of
    // the tokens changed: true Jaccard ≈ 0.95) of every 10th. Ground truth: the true Jaccard of each record's
    // shingles with every earlier kept record's.
    const seen = new Set<string>();
    const base = truthAnswers()
      .filter((t) => t.length > 300 && !seen.has(t) && seen.add(t))
      .slice(0, 300);
    const edit = (t: string) =>
      HAN.test(t)
        ? [...t].map((c, i) => (i % 200 === 10 ? '改' : c)).join('')
        : t
            .split(' ')
            .map((w, i) => (i % 200 === 5 ? 'different' : w))
            .join(' ');
    const texts = [...base, ...base.filter((_, i) => i % 10 === 0).map(edit)];
    const sets = texts.map((t) => new Set(shingleHashes(t)));
    const jac = (a: Set<number>, b: Set<number>) => {
      let inter = 0;
      for (const x of a) if (b.has(x)) inter++;
      return inter / (a.size + b.size - inter);
    };
    const recs = texts.map((t, i) => conv(`r${i}`, t));
    const { rejects } = await runStage(nearDedup({ threshold: 0.8 }), recs);
    const rejected = new Set(rejects.map((r) => r.id));
    let clearlyDistinct = 0;
    let clearlyNear = 0;
    for (let i = 0; i < texts.length; i++) {
      let maxJ = 0;
      for (let j = 0; j < i; j++) if (!rejected.has(`r${j}`)) maxJ = Math.max(maxJ, jac(sets[i]!, sets[j]!));
      if (maxJ < 0.6) {
        clearlyDistinct++;
        expect(rejected.has(`r${i}`), `r${i} (max J ${maxJ.toFixed(2)}) must be kept`).toBe(false);
      }
      if (maxJ > 0.9) {
        clearlyNear++;
        expect(rejected.has(`r${i}`), `r${i} (max J ${maxJ.toFixed(2)}) must be removed`).toBe(true);
      }
    }
    expect(clearlyDistinct).toBeGreaterThan(200);
    expect(clearlyNear).toBeGreaterThanOrEqual(20);
  });

  it('passes records without words and counts them', async () => {
    const recs = [conv('a', '...', '!!!'), conv('b', '...', '!!!')];
    const { kept, counters } = await runStage(nearDedup({ threshold: 0.8 }), recs);
    expect(kept).toHaveLength(2);
    expect(counters.get('near_dedup_no_text')).toBe(2);
  });

  it('passes rejects made upstream on, unchanged and in order, and never indexes their records', async () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    // A record rejected upstream (by clean, say) must not become the "first occurrence" of a later copy.
    const up = reject({ reason: 'too_short', source: { file: 't.json', index: 0 }, id: 'up', record: conv('up', text) });
    const dup = reject({ reason: 'duplicate', source: { file: 't.json', index: 2 }, id: 'dup', record: conv('dup', text) });
    const a = conv('a', text);
    const { out, kept, rejects, stats } = await runStage(nearDedup({ threshold: 0.8 }), [up, a, dup, conv('b', text)]);
    expect(out).toHaveLength(4);
    expect(out[0]).toBe(up);
    expect(out[1]).toBe(a);
    expect(out[2]).toBe(dup);
    expect(kept.map((c) => c.id)).toEqual(['a']);
    expect(rejects.map((r) => [r.reason, r.id])).toEqual([
      ['too_short', 'up'],
      ['duplicate', 'dup'],
      ['near_duplicate', 'b'],
    ]);
    expect(rejects[2].detail).toMatch(/^near duplicate of a /);
    // The runner counts rejects (once, for the stage that made them); a stage counting them too would double them.
    expect(stats.rejects.size).toBe(0);
  });

  it('works without ids (detail names the kept ordinal) and rejects a bad threshold', () => {
    const index = new NearDeduper({ threshold: 0.8, rememberIds: false });
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    expect(dedupNear(conv('a', text), index)).toMatchObject({ id: 'a' });
    expect(dedupNear(conv('b', text), index)).toMatchObject({ reason: 'near_duplicate', detail: expect.stringMatching(/^near duplicate of kept record #0 /) });
    expect(conversationText(conv('c', 'x', 'y'))).toBe('x\ny');
    expect(() => nearDedup({ threshold: 1.2 })).toThrow(/threshold/);
  });
});

const PINNED_FIRST_4 = [599060597, 610854535, 2115783532, 443769183];
