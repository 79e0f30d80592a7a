import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { lexTokenize, mtld, mtldTokens } from '../../src/stats/mtld.js';

const VECTORS = resolve(import.meta.dirname, '../../../shared/vectors');
const load = (name: string) => JSON.parse(readFileSync(resolve(VECTORS, name), 'utf8'));

interface LrVector {
  text: string;
  tokens: string[];
  mtld: number | null;
}
const lrVectors: [string, LrVector[]][] = [
  ['mtld_lexicalrichness_vectors.json', load('mtld_lexicalrichness_vectors.json')],
  ['mtld_lexicalrichness_long_vectors.json', load('mtld_lexicalrichness_long_vectors.json')],
];
const testVectors = load('mtld_test_vectors.json') as {
  upstream_asserted: { LexicalRichness: Record<string, number>; lexical_diversity_readme_flt: { mtld: number } };
  cases: {
    name: string;
    text?: string;
    tokens: string[];
    lexicalrichness_tokens?: string[];
    'lexicalrichness_mtld_0.72'?: number;
    'lexicalrichness_mtld_0.72_on_tokens': number;
    lexical_diversity_mtld: number;
  }[];
};

/** LexicalRichness sub_mtld/mtld ported line by line (a Set per factor), with the comparison as a parameter. */
function reference(tokens: string[], threshold = 0.72, strict = false): number {
  const pass = (words: string[]) => {
    let terms = new Set<string>();
    let count = 0;
    let factors = 0;
    let ttr = 0;
    for (const w of words) {
      count++;
      terms.add(w);
      ttr = terms.size / count;
      if (strict ? ttr < threshold : ttr <= threshold) {
        count = 0;
        terms = new Set();
        factors += 1;
      }
    }
    if (count > 0) factors += (1 - ttr) / (1 - threshold);
    if (factors === 0) {
      const whole = new Set(words).size / words.length;
      factors += whole === 1 ? 1 : (1 - whole) / (1 - threshold);
    }
    return words.length / factors;
  };
  return (pass(tokens) + pass([...tokens].reverse())) / 2;
}

describe('MTLD against LexicalRichness 0.5.1 vectors', () => {
  for (const [file, cases] of lrVectors) {
    describe(file, () => {
      test.each(cases.map((c, i) => [i, c.text.slice(0, 40), c] as const))('case %i: %s', (_i, _t, c) => {
        expect(lexTokenize(c.text)).toEqual(c.tokens);
        if (c.mtld === null) {
          // LexicalRichness raises ZeroDivisionError on zero tokens; we define the result as 0.
          expect(c.tokens).toHaveLength(0);
          expect(mtld(c.text)).toBe(0);
        } else {
          expect(Math.abs(mtld(c.text) - c.mtld)).toBeLessThanOrEqual(1e-9);
          expect(Math.abs(mtldTokens(c.tokens) - c.mtld)).toBeLessThanOrEqual(1e-9);
        }
      });
    });
  }

  test('every vector file has cases (the suite cannot pass empty)', () => {
    expect(lrVectors[0]![1].length).toBeGreaterThanOrEqual(10);
    expect(lrVectors[1]![1].length).toBeGreaterThanOrEqual(3);
    expect(testVectors.cases.length).toBeGreaterThanOrEqual(5);
  });

  describe('mtld_test_vectors.json', () => {
    test.each(testVectors.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      expect(Math.abs(mtldTokens(c.tokens) - c['lexicalrichness_mtld_0.72_on_tokens'])).toBeLessThanOrEqual(1e-9);
      if (c.text !== undefined) {
        expect(lexTokenize(c.text)).toEqual(c.lexicalrichness_tokens);
        expect(Math.abs(mtld(c.text) - c['lexicalrichness_mtld_0.72']!)).toBeLessThanOrEqual(1e-9);
      }
    });

    test('upstream-asserted values', () => {
      const s1 = testVectors.cases.find((c) => c.name === 'lexicalrichness_test_s1')!;
      expect(mtld(s1.text!)).toBe(testVectors.upstream_asserted.LexicalRichness['s1_mtld_0.72']);
      expect(mtld('only unique terms in this little string')).toBe(testVectors.upstream_asserted.LexicalRichness.all_unique_mtld_equals_words);
      const flt = testVectors.cases.find((c) => c.name === 'lexical_diversity_readme_colorado_flemmatized')!;
      expect(mtldTokens(flt.tokens)).toBeCloseTo(testVectors.upstream_asserted.lexical_diversity_readme_flt.mtld, 12);
    });

    test('where lexical_diversity (koRpus-style: <, minimum factor length) differs, we follow LexicalRichness', () => {
      const unique = testVectors.cases.find((c) => c.name === 'lexicalrichness_test_all_unique')!;
      expect(unique.lexical_diversity_mtld).toBe(0);
      expect(mtldTokens(unique.tokens)).toBe(7);
      const long = testVectors.cases.find((c) => c.name === 'lexicalrichness_test_longtext')!;
      expect(long.lexical_diversity_mtld).not.toBeCloseTo(long['lexicalrichness_mtld_0.72_on_tokens'], 3);
      expect(mtldTokens(long.tokens)).toBe(long['lexicalrichness_mtld_0.72_on_tokens']);
    });
  });
});

describe('lexTokenize details', () => {
  test('digits and the three dashes are deleted without a space; ASCII punctuation splits', () => {
    expect(lexTokenize('well-known e–mail A—B 3d x2y')).toEqual(['wellknown', 'email', 'ab', 'd', 'xy']);
    expect(lexTokenize('a.b,c;d:e!f?g(h)i[j]k{l}m"n\'o@p#q$r%s^t&u*v_w=x+y<z>~`|\\/')).toEqual('abcdefghijklmnopqrstuvwxyz'.split(''));
  });
  test('non-ASCII punctuation stays in the token (as upstream: "don’t" is one token)', () => {
    expect(lexTokenize('I don’t «know»')).toEqual(['i', 'don’t', '«know»']);
  });
  test('Python str.split() whitespace: U+001C-U+001F and U+0085 split, U+FEFF and U+200B do not', () => {
    expect(lexTokenize('a\x1cb\x1fc\x85d\u3000e\u00a0f')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(lexTokenize('a\ufeffb c\u200bd')).toEqual(['a\ufeffb', 'c\u200bd']);
  });
  test('empty, digits only, punctuation only: no tokens', () => {
    expect(lexTokenize('')).toEqual([]);
    expect(lexTokenize('1234 5678')).toEqual([]);
    expect(lexTokenize(' -- ... !!! ')).toEqual([]);
  });
});

describe('MTLD edge cases', () => {
  test('zero tokens gives 0 (documented; upstream raises)', () => {
    expect(mtldTokens([])).toBe(0);
    expect(mtld('')).toBe(0);
    expect(mtld('42 - 7')).toBe(0);
  });

  test('all unique tokens: MTLD equals the token count', () => {
    expect(mtldTokens(['x'])).toBe(1);
    expect(mtldTokens('abcdefghijklmnop'.split(''))).toBe(16);
  });

  test('threshold boundary: a factor closes when TTR == 0.72 exactly (<=), not only below it', () => {
    // a1..a18, then a1 seven times (TTR 18/25 = 0.72 at the 25th token), then b1 b2 b3.
    const a = Array.from({ length: 18 }, (_, i) => `a${i + 1}`);
    const tokens = [...a, ...Array<string>(7).fill('a1'), 'b1', 'b2', 'b3'];
    // Forward: one factor closes at token 25; b1..b3 have TTR 1 (no partial): 28 / 1.
    // Backward: b3 b2 b1 a1 a1 a1 closes (4/6 <= 0.72), a1 a1 closes, a1 a1 closes, the rest is unique: 28 / 3.
    const byHand = (28 + 28 / 3) / 2;
    expect(mtldTokens(tokens)).toBe(byHand);
    expect(reference(tokens, 0.72, false)).toBe(byHand);
    // With "<" (koRpus, lexical_diversity) the forward pass would not close at 0.72 and the result differs.
    expect(reference(tokens, 0.72, true)).not.toBeCloseTo(byHand, 6);
  });

  test('a threshold outside (0, 1) is refused with a message naming it', () => {
    expect(() => mtldTokens(['a', 'b'], 1)).toThrow(/threshold.*between 0 and 1.*got 1/);
    expect(() => mtldTokens(['a'], 0)).toThrow(RangeError);
  });

  test('matches the line-by-line port of LexicalRichness on random token lists (any threshold)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.3, max: 0.95, noNaN: true }),
        (tokens, threshold) => {
          expect(mtldTokens(tokens, threshold)).toBe(reference(tokens, threshold));
        },
      ),
      { numRuns: 500 },
    );
  });
});
