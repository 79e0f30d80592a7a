/**
 * Benchmark decontamination (after open-instruct's n-gram decontamination): does a text contain
 * a benchmark prompt?
 *
 * Words are runs of Unicode letters and digits (`\p{L}\p{N}`) after NFKC and lower-casing; a run
 * holding Chinese, Japanese or Korean script is split into words with `Intl.Segmenter` (ICU's
 * dictionary word break), since those scripts do not separate words with spaces. A prompt of at
 * least `ngram` words matches a text when the share of its distinct word n-grams found in the
 * text reaches `threshold`; a shorter prompt matches a text whose words are exactly its words.
 *
 * Every n-gram is keyed by xxHash64 (seed 0) of its words joined by one space, cut to 53 bits so
 * that keys are plain numbers (a Map of numbers is several times faster than one of BigInts; a
 * false hit needs a 2^-53 collision and moves one prompt's share by one n-gram). The benchmark
 * side is indexed once; a text costs one set lookup per word and one hash per position whose n
 * words all occur in some benchmark prompt (others cannot match), and only n-grams present in
 * the index are remembered.
 */
import { xx } from '../core/xxhash.js';

// One pass splits letters and digits into runs of CJK script (segmented below) and runs of
// anything else. The v flag (set operations) is in Node 20's V8; RegExp() keeps tsc's target check out.
const CJK_SET = '[\\p{scx=Han}\\p{scx=Hira}\\p{scx=Kana}\\p{scx=Hang}]';
const RUN = new RegExp(`([[\\p{L}\\p{N}]&&${CJK_SET}]+)|[[\\p{L}\\p{N}]--${CJK_SET}]+`, 'gv');
const CJK = new RegExp(`[[\\p{L}\\p{N}]&&${CJK_SET}]`, 'v');
// Chinese and Japanese put no spaces between words: spaces between two such characters are noise
// (a re-spaced copy) and are dropped before segmenting. Korean separates words with spaces: kept.
const HJ_SPACE = /([\p{scx=Han}\p{scx=Hira}\p{scx=Kana}])\s+(?=[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}])/gu;
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
/** Stands for a CJK run that cannot hold a benchmark word: it only has to match nothing. */
const OPAQUE = '\u0000';

/**
 * The words of a text, as both sides of a match see them. ICU segmentation is the slow part, so
 * `segmentIf` may say which CJK runs are worth it: a run it turns down becomes one opaque word.
 * The index turns down runs that contain no CJK word of any prompt as a substring; segmenting
 * them could only give words that match nothing, so the matches are the same.
 */
export function wordsOf(text: string, segmentIf?: (run: string) => boolean): string[] {
  const out: string[] = [];
  let norm = text.normalize('NFKC').toLowerCase();
  if (CJK.test(norm)) norm = norm.replace(HJ_SPACE, '$1');
  for (const m of norm.matchAll(RUN)) {
    if (m[1] === undefined) out.push(m[0]);
    else if (segmentIf && !segmentIf(m[1])) out.push(OPAQUE);
    else for (const seg of segmenter.segment(m[1])) if (seg.isWordLike !== false) out.push(seg.segment);
  }
  return out;
}

/** The 53-bit key of `words[from, to)` joined by one space. */
export function keyOf(words: readonly string[], from: number, to: number): number {
  let s = words[from]!;
  for (let i = from + 1; i < to; i++) s += ' ' + words[i]!;
  return Number(xx.h64(s, 0n) >> 11n);
}

export interface BenchmarkItem {
  /** Benchmark name: alpaca_eval, mt_bench, vicuna_bench, or a user file's name. */
  benchmark: string;
  /** The item's id in its benchmark. */
  id: string;
  /** 1-based turn of a multi-turn item (MT-bench), when it has several. */
  turn?: number;
  text: string;
}

export interface MatcherOptions {
  /** n-gram length in words (default 8). */
  ngram?: number;
  /** Share of a prompt's n-grams that must be found (default 0.5). */
  threshold?: number;
}

export interface Match {
  item: BenchmarkItem;
  /** Share of the prompt's distinct n-grams found (1 for an exact short match). */
  share: number;
  /** A prompt shorter than the n-gram, equal to the whole text. */
  exact: boolean;
}

/** Benchmark prompts indexed by n-gram; `match` checks one text against all of them. */
export class ContaminationIndex {
  readonly ngram: number;
  readonly threshold: number;
  readonly items: readonly BenchmarkItem[];
  /** n-gram key → indices of the long prompts holding it (a number when only one does). */
  private readonly grams = new Map<number, number | number[]>();
  /** Distinct n-grams per item (0 for a short prompt). */
  private readonly need: Uint32Array;
  /** Every word of a long prompt: an n-gram with a word outside it cannot be in the index, so it is not hashed. */
  private readonly vocab = new Set<string>();
  /** Whole-text key → indices of short prompts. */
  private readonly short = new Map<number, number[]>();
  /** Which CJK runs of a text are segmented (see wordsOf). */
  readonly segmentIf: (run: string) => boolean;
  /** Items whose text has no words at all: they can never match. */
  readonly empty: number = 0;

  constructor(items: readonly BenchmarkItem[], o: MatcherOptions = {}) {
    this.ngram = o.ngram ?? 8;
    this.threshold = o.threshold ?? 0.5;
    if (!Number.isInteger(this.ngram) || this.ngram < 1) throw new RangeError(`ngram must be a positive integer, got ${this.ngram}`);
    if (!(this.threshold > 0 && this.threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${this.threshold}`);
    this.items = items;
    this.need = new Uint32Array(items.length);
    let empty = 0;
    items.forEach((item, idx) => {
      const w = wordsOf(item.text);
      if (w.length === 0) {
        empty++;
      } else if (w.length < this.ngram) {
        push(this.short, keyOf(w, 0, w.length), idx);
      } else {
        for (const x of w) this.vocab.add(x);
        const own = new Set<number>();
        for (let i = 0; i + this.ngram <= w.length; i++) own.add(keyOf(w, i, i + this.ngram));
        this.need[idx] = own.size;
        for (const k of own) {
          const p = this.grams.get(k);
          if (p === undefined) this.grams.set(k, idx);
          else if (typeof p === 'number') this.grams.set(k, [p, idx]);
          else p.push(idx);
        }
      }
    });
    this.empty = empty;
    const cjkWords = new Set<string>();
    for (const it of items) for (const x of wordsOf(it.text)) if (CJK.test(x)) cjkWords.add(x);
    if (cjkWords.size === 0) this.segmentIf = () => false;
    else {
      const probe = new RegExp(
        [...cjkWords]
          .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
          .map(escapeRegex)
          .join('|'),
        'u',
      );
      this.segmentIf = (run) => probe.test(run);
    }
  }

  /** The best-matching prompt in `text` (highest share, then first in the index), or undefined. */
  match(text: string): Match | undefined {
    return this.matchAllWords(wordsOf(text, this.segmentIf))[0];
  }

  /** Every prompt found in `text`, best first (highest share, then first in the index). */
  matchAll(text: string): Match[] {
    return this.matchAllWords(wordsOf(text, this.segmentIf));
  }

  /** `w` from `wordsOf(text, index.segmentIf)`. */
  matchAllWords(w: readonly string[]): Match[] {
    const n = this.ngram;
    if (w.length === 0) return [];
    if (w.length < n) {
      const hit = this.short.get(keyOf(w, 0, w.length));
      return hit ? hit.map((idx) => ({ item: this.items[idx]!, share: 1, exact: true })) : [];
    }
    // Only n-grams that some prompt holds are remembered: memory follows the hits, not the text.
    const seen = new Set<number>();
    const found = new Map<number, number>();
    let run = 0; // words in a row, ending at j, that occur in some prompt
    for (let j = 0; j < w.length; j++) {
      run = this.vocab.has(w[j]!) ? run + 1 : 0;
      if (run < n) continue;
      const i = j - n + 1;
      const k = keyOf(w, i, i + n);
      const p = this.grams.get(k);
      if (p === undefined || seen.has(k)) continue;
      seen.add(k);
      if (typeof p === 'number') found.set(p, (found.get(p) ?? 0) + 1);
      else for (const idx of p) found.set(idx, (found.get(idx) ?? 0) + 1);
    }
    const hits: { idx: number; share: number }[] = [];
    for (const [idx, count] of found) {
      const share = count / this.need[idx]!;
      if (share >= this.threshold) hits.push({ idx, share });
    }
    hits.sort((a, b) => b.share - a.share || a.idx - b.idx);
    return hits.map((h) => ({ item: this.items[h.idx]!, share: h.share, exact: false }));
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function push(m: Map<number, number[]>, k: number, v: number): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** How a match reads in a reject's detail: `mt_bench #81 turn 2`. */
export function itemLabel(item: BenchmarkItem): string {
  return `${item.benchmark} #${item.id}${item.turn !== undefined ? ` turn ${item.turn}` : ''}`;
}
