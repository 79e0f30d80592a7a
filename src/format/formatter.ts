/**
 * Conversations → training rows, one batch at a time (the unit a worker thread processes):
 * render with the chat template, tokenize (pieces.ts, encode.ts), build the mask, check it
 * (check.ts), then fit to max-len (chunk.ts). Everything a batch counts comes back with it, so the
 * main thread only merges counters; the output is the same whatever the number of workers.
 */
import type { Conversation, RejectMarker, Turn } from '../core/types.js';
import { reject } from '../core/types.js';
import { checkPromptPrefix, checkRuns, promptRenderer, type PromptText, decodedMatches, decodeFailure, type DecodeRequest } from './check.js';
import { type ChunkMode, planSegments, roundsOf, type Rounds, segmentTurns, splitOversized, truncateRow, type TokenRow } from './chunk.js';
import { encodeRendered } from './encode.js';
import { buildMask } from './mask.js';
import { SpecialScanner, type TokenizeMode } from './pieces.js';
import type { ChatTemplate, Rendered } from './templates/types.js';
import type { LoadedTokenizer } from './tokenizer/index.js';
import { ArrayLocator, type Locator } from './tokenizer/locator.js';
import { OffsetAlignError } from './tokenizer/errors.js';

export interface FormatOptions {
  maxLen: number;
  chunk: ChunkMode;
  tokenize: TokenizeMode;
  /** Tests: cut into pieces even without special strings in content. */
  forcePieces?: boolean;
}

export interface FormatRow extends TokenRow {
  id: string;
}

export type FormatItem = { rows: FormatRow[] } | { reject: RejectMarker };

export interface BatchOut {
  items: FormatItem[];
  counters: Record<string, number>;
}

/** One sample through tokenize + mask + check. */
interface Analysis extends TokenRow {
  loc: Locator;
  trained: number;
  failure?: string;
}

interface Work {
  turns: readonly Turn[];
  rendered: Rendered;
  /** The conversation's tool definitions: prompts for the prefix check are rendered with them. */
  tools?: readonly unknown[];
}

export class Formatter {
  private readonly scanner: SpecialScanner;
  private promptText: PromptText | undefined;

  constructor(
    private readonly template: ChatTemplate,
    private readonly tok: Pick<LoadedTokenizer, 'backend' | 'spec' | 'decodeBatch' | 'sameText'>,
    private readonly o: FormatOptions,
  ) {
    this.scanner = new SpecialScanner(tok.spec.specials);
  }

  async formatBatch(convs: readonly Conversation[]): Promise<BatchOut> {
    const counters: Record<string, number> = {};
    const count = (k: string, n = 1) => (counters[k] = (counters[k] ?? 0) + n);
    const items: (FormatItem | undefined)[] = new Array(convs.length);
    const work: { i: number; w: Work }[] = [];
    convs.forEach((c, i) => {
      const r = this.render(c, c.turns);
      if ('reject' in r) items[i] = r;
      else work.push({ i, w: { turns: c.turns, rendered: r, tools: c.tools?.length ? c.tools : undefined } });
    });
    const analyses = await this.analyze(
      work.map((x) => x.w),
      count,
    );
    const toSplit: { i: number; w: Work; a: Analysis }[] = [];
    work.forEach(({ i, w }, k) => {
      const a = analyses[k]!;
      const c = convs[i]!;
      const bad = this.rejectFor(c, a);
      if (bad) items[i] = bad;
      else if (a.ids.length <= this.o.maxLen) items[i] = { rows: [this.row(c.id, a, count)] };
      else if (this.o.chunk === 'drop') {
        items[i] = { reject: reject({ reason: 'too_long', detail: `${a.ids.length} tokens > --max-len ${this.o.maxLen}`, source: c.source, id: c.id, record: c }) };
      } else if (this.o.chunk === 'truncate') items[i] = this.truncated(c, a, count);
      else toSplit.push({ i, w, a });
    });
    if (toSplit.length) {
      const done = await this.split(
        toSplit.map((x) => ({ c: convs[x.i]!, w: x.w, a: x.a })),
        count,
      );
      toSplit.forEach((x, k) => (items[x.i] = done[k]));
    }
    return { items: items as FormatItem[], counters };
  }

  private render(c: Conversation, turns: readonly Turn[]): Rendered | { reject: RejectMarker } {
    try {
      return this.template.render(turns, c.tools?.length ? { tools: c.tools } : undefined);
    } catch (e) {
      const reason = typeof (e as { reason?: unknown }).reason === 'string' ? (e as { reason: string }).reason : 'template_error';
      return { reject: reject({ reason, detail: (e as Error).message, source: c.source, id: c.id, record: c }) };
    }
  }

  private rejectFor(c: Conversation, a: Analysis): FormatItem | undefined {
    if (a.failure) return { reject: reject({ reason: 'mask_mismatch', detail: a.failure, source: c.source, id: c.id, record: c }) };
    if (a.trained === 0) {
      const why = c.turns.some((t) => t.role === 'assistant') ? 'every assistant turn has weight 0' : 'no assistant turn';
      return { reject: reject({ reason: 'no_trained_tokens', detail: why, source: c.source, id: c.id, record: c }) };
    }
    return undefined;
  }

  private row(id: string, a: TokenRow & { trained: number }, count: (k: string, n?: number) => void): FormatRow {
    count('rows');
    count('tokens', a.ids.length);
    count('trained_tokens', a.trained);
    return { id, ids: a.ids, labels: a.labels, weights: a.weights };
  }

  private truncated(c: Conversation, a: Analysis, count: (k: string, n?: number) => void): FormatItem {
    const t = truncateRow(a, this.o.maxLen);
    if (t.trained === 0) {
      return {
        reject: reject({
          reason: 'no_trained_tokens',
          detail: `${a.ids.length} tokens truncated to --max-len ${this.o.maxLen}: no reply starts before the cut`,
          source: c.source,
          id: c.id,
          record: c,
        }),
      };
    }
    count('rows_truncated');
    count('trained_tokens_lost', t.lost);
    return { rows: [this.row(c.id, { ...t.row, trained: t.trained }, count)] };
  }

  /** Tokenize, mask and check a list of rendered samples (one batched encode, one batched decode). */
  private async analyze(work: readonly Work[], count: (k: string, n?: number) => void): Promise<Analysis[]> {
    let encs;
    try {
      encs = await encodeRendered(
        this.tok.backend,
        this.scanner,
        work.map((w) => w.rendered),
        {
          mode: this.o.tokenize,
          prefixesEveryPiece: this.tok.spec.prefixesEveryPiece,
          forcePieces: this.o.forcePieces,
        },
      );
    } catch (e) {
      // The JS backend aligns offsets per text; one unalignable sample must not sink the batch.
      if (!(e instanceof OffsetAlignError) || work.length === 1) throw e;
      return Promise.all(
        work.map((w) =>
          this.analyze([w], count)
            .then((r) => r[0]!)
            .catch((err) => this.alignFailure(err)),
        ),
      );
    }
    const out: Analysis[] = [];
    const requests: { k: number; req: DecodeRequest }[] = [];
    work.forEach((w, k) => {
      const e = encs[k]!;
      if (e.contentSpecials) count('content_special_strings', e.contentSpecials);
      const m = buildMask(e.ids, e.loc, w.rendered.trained);
      const a: Analysis = { ids: e.ids, loc: e.loc, labels: m.labels, weights: m.weights, trained: m.trained };
      out.push(a);
      const runs = checkRuns(w.rendered, e.ids, e.loc, m, this.scanner);
      if ('failure' in runs) a.failure = runs.failure;
      else if (!this.template.promptIsPrefix || w.tools) {
        const p = checkPromptPrefix(w.tools ? this.toolPrompt(w.tools) : (this.promptText ??= promptRenderer(this.template, w.turns)), w.turns, w.rendered);
        a.failure = p.failure;
        if (p.gaps) count('replies_after_untrained_template_text', p.gaps);
      }
      // Runs whose bytes are the text's UTF-8 pass without a decode (most of them); the rest are decoded and compared.
      if (!a.failure && 'decode' in runs) for (const req of runs.decode) if (!this.tok.sameText?.(req.ids, req.expected)) requests.push({ k, req });
    });
    const decoded = await this.tok.decodeBatch(requests.map((r) => r.req.ids));
    requests.forEach(({ k, req }, j) => {
      const a = out[k]!;
      if (!a.failure && !decodedMatches(decoded[j]!, req.expected)) a.failure = decodeFailure(req, decoded[j]!);
    });
    return out;
  }

  /** Prompts of a conversation with tools: the template renders the tool list too. */
  private toolPrompt(tools: readonly unknown[]): PromptText {
    const t = this.template;
    return Object.assign((turns: readonly Turn[]) => t.render(turns, { addGenerationPrompt: true, tools }).text, { generationBlocks: t.generationBlocks === true });
  }

  private alignFailure(e: unknown): Analysis {
    if (!(e instanceof OffsetAlignError)) throw e;
    const empty = new Int32Array(0);
    return { ids: empty, labels: empty, weights: new Float32Array(0), loc: new ArrayLocator(new Uint32Array(0)), trained: 0, failure: `token offsets: ${e.detail}` };
  }

  /** --chunk split for the over-long conversations of a batch. */
  private async split(list: { c: Conversation; w: Work; a: Analysis }[], count: (k: string, n?: number) => void): Promise<FormatItem[]> {
    const plans = list.map(({ w, a }) => {
      const r = roundsOf(w.turns);
      const { lens, preamble } = roundLengths(w.rendered, a.loc, r);
      return { r, segs: planSegments(lens, preamble, this.o.maxLen) };
    });
    // Tokenize the planned segments; a multi-round segment still too long loses its last round to
    // a new segment, and the plan is tokenized again (estimates are conservative: rarely needed).
    for (let pass = 0; ; pass++) {
      const results = await this.tokenizeSegments(list, plans);
      let again = false;
      results.forEach((res, p) => {
        if ('reject' in res) return;
        const pl = plans[p]!;
        const tooLong = new Set(pl.segs.flatMap((seg, s) => (seg.length > 1 && res[s]!.ids.length > this.o.maxLen ? [s] : [])));
        if (tooLong.size && pass < 32) {
          pl.segs = splitOversized(pl.segs, tooLong);
          again = true;
        }
      });
      if (!again) return results.map((res, p) => ('reject' in res ? res : this.segmentRows(list[p]!.c, res, count)));
    }
  }

  /** Renders and analyzes every planned segment of every conversation in one batch. */
  private async tokenizeSegments(list: { c: Conversation; w: Work }[], plans: { r: Rounds; segs: number[][] }[]): Promise<(Analysis[] | { reject: RejectMarker })[]> {
    const out: (Analysis[] | { reject: RejectMarker })[] = plans.map((pl) => new Array<Analysis>(pl.segs.length));
    const work: Work[] = [];
    const where: [number, number][] = [];
    plans.forEach((pl, p) => {
      for (const [s, seg] of pl.segs.entries()) {
        const turns = segmentTurns(list[p]!.w.turns, pl.r, seg);
        const r = this.render(list[p]!.c, turns);
        if ('reject' in r) {
          out[p] = r;
          return;
        }
        work.push({ turns, rendered: r, tools: list[p]!.w.tools });
        where.push([p, s]);
      }
    });
    // The replies were counted and checked on the whole conversation: segments count nothing more.
    const analyses = await this.analyze(work, () => undefined);
    where.forEach(([p, s], k) => {
      const o = out[p]!;
      if (Array.isArray(o)) o[s] = analyses[k]!;
    });
    return out;
  }

  private segmentRows(c: Conversation, segs: Analysis[], count: (k: string, n?: number) => void): FormatItem {
    const bad = segs.find((a) => a.failure);
    if (bad) return { reject: reject({ reason: 'mask_mismatch', detail: `segment ${segs.indexOf(bad)}: ${bad.failure}`, source: c.source, id: c.id, record: c }) };
    const rows: FormatRow[] = [];
    segs.forEach((a, k) => {
      let row: TokenRow & { trained: number } = a;
      if (a.ids.length > this.o.maxLen) {
        const t = truncateRow(a, this.o.maxLen);
        count('rounds_truncated');
        count('trained_tokens_lost', t.lost);
        row = { ...t.row, trained: t.trained };
      }
      if (row.trained === 0) {
        count('segments_without_trained_tokens');
        return;
      }
      rows.push(this.row(`${c.id}_${k}`, row, count));
    });
    if (rows.length === 0) {
      return {
        reject: reject({ reason: 'no_trained_tokens', detail: `split into ${segs.length} segments of --max-len ${this.o.maxLen}, none with a trained token`, source: c.source, id: c.id, record: c }),
      };
    }
    count('conversations_split');
    return { rows };
  }
}

/** Estimated tokens per round from the whole conversation's offsets (checked later by tokenizing). */
function roundLengths(r: Rendered, loc: Locator, rounds: Rounds): { lens: number[]; preamble: number } {
  const starts = rounds.rounds.map(([a, b]) => {
    let s = Infinity;
    for (const sp of r.content) if (sp.turn >= a && sp.turn < b) s = Math.min(s, sp.start);
    return s;
  });
  // A round without content spans starts where the next one does.
  for (let k = starts.length - 1; k >= 0; k--) if (!Number.isFinite(starts[k]!)) starts[k] = k + 1 < starts.length ? starts[k + 1]! : r.text.length;
  const total = loc.count;
  const at = starts.map((s) => loc.firstStartingFrom(s));
  const lens = at.map((t, k) => (k + 1 < at.length ? at[k + 1]! : total) - t);
  return { lens, preamble: at.length ? at[0]! : total };
}
