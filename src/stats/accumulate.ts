/**
 * Streaming text statistics for one set of dialogues (the dataset or one group). Memory is
 * bounded whatever the input size: log-bucket distributions, capped distinct-n counters and one
 * zlib context (see quantiles.ts, distinct.ts, gzip.ts for the bounds).
 */
import { Distribution, type DistributionState } from './quantiles.js';
import { DistinctCounter, type DistinctState } from './distinct.js';
import { GzipMeter } from './gzip.js';
import type { DialogueFeatures } from './features.js';
import type { ByRole, TextStats } from './types.js';

type Role3 = keyof ByRole<unknown>;
const ROLES: readonly Role3[] = ['all', 'user', 'assistant'];

function byRole<T>(make: () => T): ByRole<T> {
  return { all: make(), user: make(), assistant: make() };
}

function mapRole<T, U>(x: ByRole<T>, f: (v: T) => U): ByRole<U> {
  return { all: f(x.all), user: f(x.user), assistant: f(x.assistant) };
}

/** The per-role distributions, handled alike by clone, toState, fromState and mergeFrom. */
const ROLE_DISTS = ['wordsUtt', 'charsUtt', 'wordsDlg', 'charsDlg', 'mtld'] as const;
type RoleDist = (typeof ROLE_DISTS)[number];

export interface AccumulatorOptions {
  distinctExactCap: number;
}

/** An accumulator as plain JSON, to merge the partial statistics of sharded ranks (src/exec/shard-stats.ts). */
export interface AccumulatorState {
  dialogues: number;
  systemTurns: number;
  turns: DistributionState;
  utterances: ByRole<number>;
  wordsUtt: ByRole<DistributionState>;
  charsUtt: ByRole<DistributionState>;
  wordsDlg: ByRole<DistributionState>;
  charsDlg: ByRole<DistributionState>;
  mtld: ByRole<DistributionState>;
  mtldEmpty: ByRole<number>;
  distinct1: DistinctState;
  distinct2: DistinctState;
  /** Gzip is measured per rank: raw bytes add up exactly, compressed bytes nearly (see gzip.ts). */
  gzip: { raw_bytes: number; gzip_bytes: number };
}

export class TextAccumulator {
  dialogues = 0;
  systemTurns = 0;
  private turns = new Distribution();
  private utterances = byRole(() => 0);
  private wordsUtt = byRole(() => new Distribution());
  private charsUtt = byRole(() => new Distribution());
  private wordsDlg = byRole(() => new Distribution());
  private charsDlg = byRole(() => new Distribution());
  private mtld = byRole(() => new Distribution());
  private mtldEmpty = byRole(() => 0);
  private distinct1: DistinctCounter;
  private distinct2: DistinctCounter;
  private gzip = new GzipMeter();

  constructor(opts: AccumulatorOptions) {
    this.distinct1 = new DistinctCounter(opts.distinctExactCap);
    this.distinct2 = new DistinctCounter(opts.distinctExactCap);
  }

  /**
   * An independent copy with the same past, under new options. A grouping uses it when a key
   * first appears: every dialogue before had no value, so "(none)" so far is the dataset so far,
   * and keys absent from the data cost nothing.
   */
  clone(opts: AccumulatorOptions): TextAccumulator {
    const c = new TextAccumulator(opts);
    const dist = (d: Distribution) => d.clone();
    c.dialogues = this.dialogues;
    c.systemTurns = this.systemTurns;
    c.turns = this.turns.clone();
    c.utterances = { ...this.utterances };
    for (const k of ROLE_DISTS) c[k] = mapRole(this[k], dist);
    c.mtldEmpty = { ...this.mtldEmpty };
    c.distinct1 = this.distinct1.clone(opts.distinctExactCap);
    c.distinct2 = this.distinct2.clone(opts.distinctExactCap);
    c.gzip = this.gzip.clone();
    return c;
  }

  /** The state (flushes the gzip meter: add nothing afterwards). */
  async toState(): Promise<AccumulatorState> {
    const dist = (d: Distribution) => d.toState();
    const g = await this.gzip.finish();
    const dists = Object.fromEntries(ROLE_DISTS.map((k) => [k, mapRole(this[k], dist)])) as Pick<AccumulatorState, RoleDist>;
    return {
      dialogues: this.dialogues,
      systemTurns: this.systemTurns,
      turns: this.turns.toState(),
      utterances: { ...this.utterances },
      ...dists,
      mtldEmpty: { ...this.mtldEmpty },
      distinct1: this.distinct1.toState(),
      distinct2: this.distinct2.toState(),
      gzip: { raw_bytes: g.raw_bytes, gzip_bytes: g.gzip_bytes },
    };
  }

  static fromState(s: AccumulatorState, opts: AccumulatorOptions): TextAccumulator {
    const a = new TextAccumulator(opts);
    const dist = (d: DistributionState) => Distribution.fromState(d);
    a.dialogues = s.dialogues;
    a.systemTurns = s.systemTurns;
    a.turns = Distribution.fromState(s.turns);
    a.utterances = { ...s.utterances };
    for (const k of ROLE_DISTS) a[k] = mapRole(s[k], dist);
    a.mtldEmpty = { ...s.mtldEmpty };
    a.distinct1 = DistinctCounter.fromState(s.distinct1, opts.distinctExactCap);
    a.distinct2 = DistinctCounter.fromState(s.distinct2, opts.distinctExactCap);
    a.gzip.rawBytes = s.gzip.raw_bytes;
    a.gzip.gzipBytes = s.gzip.gzip_bytes;
    return a;
  }

  /** Adds another accumulator's dialogues (both built by fromState: their gzip meters are settled). */
  mergeFrom(o: TextAccumulator): void {
    this.dialogues += o.dialogues;
    this.systemTurns += o.systemTurns;
    this.turns.mergeFrom(o.turns);
    for (const r of ROLES) {
      this.utterances[r] += o.utterances[r];
      for (const k of ROLE_DISTS) this[k][r].mergeFrom(o[k][r]);
      this.mtldEmpty[r] += o.mtldEmpty[r];
    }
    this.distinct1.mergeFrom(o.distinct1);
    this.distinct2.mergeFrom(o.distinct2);
    this.gzip.rawBytes += o.gzip.rawBytes;
    this.gzip.gzipBytes += o.gzip.gzipBytes;
  }

  async add(d: DialogueFeatures): Promise<void> {
    this.dialogues++;
    this.systemTurns += d.systemTurns;
    this.turns.add(d.utterances.length);
    const words = byRole(() => 0);
    const chars = byRole(() => 0);
    const texts: string[] = [];
    for (const u of d.utterances) {
      for (const r of ['all', u.role] as const) {
        this.utterances[r]++;
        this.wordsUtt[r].add(u.words);
        this.charsUtt[r].add(u.chars);
        words[r] += u.words;
        chars[r] += u.chars;
        if (u.mtld === null) this.mtldEmpty[r]++;
        else this.mtld[r].add(u.mtld);
      }
      addHashes(this.distinct1, u.unigrams);
      addHashes(this.distinct2, u.bigrams);
      texts.push(u.text, '\n');
    }
    for (const r of ROLES) {
      this.wordsDlg[r].add(words[r]);
      this.charsDlg[r].add(chars[r]);
    }
    await this.gzip.write(texts.join(''));
  }

  /** Summaries; `histograms: false` leaves out the plotting bins (groups are shown as bars only). */
  async finish(opts: { histograms?: boolean } = {}): Promise<TextStats> {
    const withHist = opts.histograms ?? true;
    const histOf = (d: Distribution) => (withHist ? { hist: d.histogram() } : {});
    const hist = (d: Distribution) => ({ ...d.summary(), ...histOf(d) });
    return {
      dialogues: this.dialogues,
      turns_per_dialogue: hist(this.turns),
      utterances: { ...this.utterances },
      system_turns: this.systemTurns,
      words_per_utterance: mapRole(this.wordsUtt, hist),
      chars_per_utterance: mapRole(this.charsUtt, (d) => d.summary()),
      words_per_dialogue: mapRole(this.wordsDlg, (d) => d.summary()),
      chars_per_dialogue: mapRole(this.charsDlg, (d) => d.summary()),
      mtld: {
        all: { ...this.mtld.all.summary(), empty: this.mtldEmpty.all, ...histOf(this.mtld.all) },
        user: { ...this.mtld.user.summary(), empty: this.mtldEmpty.user, ...histOf(this.mtld.user) },
        assistant: { ...this.mtld.assistant.summary(), empty: this.mtldEmpty.assistant, ...histOf(this.mtld.assistant) },
      },
      distinct_1: this.distinct1.summary(),
      distinct_2: this.distinct2.summary(),
      gzip: await this.gzip.finish(),
    };
  }
}

function addHashes(c: DistinctCounter, h: Uint32Array): void {
  for (let i = 0; i < h.length; i += 2) c.add(h[i]!, h[i + 1]!);
}
