/**
 * Builds a rendered conversation piece by piece and records spans as it goes, so a built-in
 * template's spans are exact by construction (no searching in the output).
 */
import type { Role, Turn } from '../../core/types.js';
import type { Rendered, Span, TemplateOptions, TrainedSpan } from './types.js';

export class RenderBuilder {
  private readonly parts: string[] = [];
  private len = 0;
  private readonly content: Span[] = [];
  private readonly trained: TrainedSpan[] = [];

  get length(): number {
    return this.len;
  }

  /** Template text: headers, separators, special tokens. */
  lit(s: string): this {
    if (s) {
      this.parts.push(s);
      this.len += s.length;
    }
    return this;
  }

  /**
   * A message's content (`shown` is what the template writes: the content, or its stripped form).
   * Returns the offset where it starts, for `train`.
   */
  message(turn: number, role: Role, shown: string): number {
    const start = this.len;
    this.lit(shown);
    this.content.push({ start, end: this.len, turn, role });
    return start;
  }

  /** Marks [start, current end) as the trained reply of assistant turn `turn`. */
  train(turn: number, start: number, t: Turn): this {
    this.trained.push({ start, end: this.len, turn, role: 'assistant', weight: t.weight ?? 1 });
    return this;
  }

  build(): Rendered {
    return { text: this.parts.join(''), content: this.content, trained: this.trained };
  }
}

/** Cuts a rendered text to `text.slice(0, end)` and clamps the spans into it. */
export function truncateRendered(r: Rendered, end: number): Rendered {
  if (end >= r.text.length) return r;
  const clamp = <S extends Span>(s: S): S => ({ ...s, start: Math.min(s.start, end), end: Math.min(s.end, end) });
  return { text: r.text.slice(0, end), content: r.content.map(clamp), trained: r.trained.map(clamp) };
}

/** The BOS a template writes (none with `addBos: false`) and the EOS that ends a reply. */
export function bosEos(opts: TemplateOptions, defaultBos = '<s>', defaultEos = '</s>'): { bos: string; eos: string; specialTokens: string[] } {
  const bos = opts.addBos === false ? '' : (opts.bosToken ?? defaultBos);
  const eos = opts.eosToken ?? defaultEos;
  return { bos, eos, specialTokens: [bos, eos].filter(Boolean) };
}
