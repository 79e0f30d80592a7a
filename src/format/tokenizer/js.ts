/**
 * The pure-JS backend (`@huggingface/tokenizers`), used when the Rust addon cannot load. The
 * library gives ids but no offsets, so we run its components ourselves (added-token split,
 * normalizer, pre-tokenizer, model) and compute offsets with js-align.ts. One library instance
 * serves every variant: the variants differ only in which added tokens we split on and in the
 * Metaspace `first` flag, both of which this loop controls.
 */
import { Tokenizer as JsTokenizer } from '@huggingface/tokenizers';
import type { Backend, Encoding, Variant } from './backend.js';
import { TokenizerLoadError } from './errors.js';
import { ArrayLocator } from './locator.js';
import { alignTokens, type AlignPlan, planAlignment } from './js-align.js';
import { type AddedTokenJson, escapeRe, type PreparedSpec } from './spec.js';

type Fn<A extends unknown[], R> = (...a: A) => R;

interface Splitter {
  re: RegExp | null;
  byContent: Map<string, AddedTokenJson>;
}

function splitterOf(tokens: readonly AddedTokenJson[]): Splitter {
  const byContent = new Map(tokens.filter((t) => t.content).map((t) => [t.content, t]));
  const alts = [...byContent.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(escapeRe);
  return { re: alts.length ? new RegExp(alts.join('|'), 'g') : null, byContent };
}

export class JsBackend implements Backend {
  readonly kind = 'js' as const;
  private readonly tok: JsTokenizer;
  private readonly plan: AlignPlan;
  private readonly splitFull: Splitter;
  private readonly splitPlain: Splitter;
  private readonly normalize: Fn<[string], string> | null;
  private readonly preTokenize: Fn<[string, { section_index: number }], string[]> | null;
  private readonly model: Fn<[string[]], string[]>;
  private readonly toId: Map<string, number>;
  private readonly unkId: number | undefined;

  constructor(spec: PreparedSpec, config: Record<string, unknown>) {
    const plan = planAlignment(spec.full);
    if (typeof plan === 'string') {
      throw new TokenizerLoadError(
        `the pure-JS tokenizer backend cannot compute token offsets for this tokenizer (${plan})`,
        'install the native `tokenizers` binding for this platform (npm install tokenizers) so the Rust backend is used',
      );
    }
    if (config.remove_space || config.do_lowercase_and_remove_accent) {
      throw new TokenizerLoadError('the pure-JS backend does not support remove_space / do_lowercase_and_remove_accent tokenizer configs', 'use the native backend');
    }
    this.plan = plan;
    this.tok = new JsTokenizer(spec.full, config);
    const t = this.tok as unknown as {
      normalizer: Fn<[string], string> | null;
      pre_tokenizer: Fn<[string, { section_index: number }], string[]> | null;
      model: Fn<[string[]], string[]> & { tokens_to_ids: Map<string, number>; unk_token_id?: number };
    };
    this.normalize = t.normalizer;
    this.preTokenize = t.pre_tokenizer;
    this.model = t.model;
    this.toId = t.model.tokens_to_ids;
    this.unkId = t.model.unk_token_id;
    const added = spec.full.added_tokens ?? [];
    this.splitFull = splitterOf(added);
    this.splitPlain = splitterOf(added.filter((a) => !a.special));
  }

  async encodeBatch(texts: readonly string[], variant: Variant): Promise<Encoding[]> {
    return texts.map((t) => this.encode(t, variant));
  }

  encode(text: string, variant: Variant): Encoding {
    const sp = variant === 'full' ? this.splitFull : this.splitPlain;
    const ids: number[] = [];
    const offsets: number[] = [];
    let last = 0;
    const section = (start: number, end: number) => {
      if (end <= start) return;
      this.encodeSection(text.slice(start, end), start, start === 0 && variant !== 'plainNoPrefix', ids, offsets);
    };
    if (sp.re) {
      sp.re.lastIndex = 0;
      for (let m = sp.re.exec(text); m; m = sp.re.exec(text)) {
        const tok = sp.byContent.get(m[0])!;
        let s = m.index;
        let e = s + m[0].length;
        // lstrip/rstrip: the token swallows the whitespace beside it, as in HF tokenizers.
        if (tok.lstrip) while (s > last && /\s/.test(text[s - 1]!)) s--;
        if (tok.rstrip) while (e < text.length && /\s/.test(text[e]!)) e++;
        section(last, s);
        ids.push(tok.id);
        offsets.push(s, e);
        last = e;
        sp.re.lastIndex = e;
      }
    }
    section(last, text.length);
    return { ids: Int32Array.from(ids), loc: new ArrayLocator(Uint32Array.from(offsets)) };
  }

  private encodeSection(text: string, base: number, atStart: boolean, ids: number[], offsets: number[]): void {
    const norm = this.normalize ? this.normalize(text) : text;
    if (norm.length === 0) return;
    const words = this.preTokenize ? this.preTokenize(norm, { section_index: atStart ? 0 : 1 }) : [norm];
    const tokens = this.model(words);
    for (const t of tokens) ids.push(this.toId.get(t) ?? this.unkId ?? 0);
    alignTokens(this.plan, text, base, atStart, tokens, offsets);
  }

  async decodeBatch(all: readonly (readonly number[])[]): Promise<string[]> {
    return all.map((ids) => (ids.length === 0 ? '' : this.tok.decode(ids as number[], { skip_special_tokens: false, clean_up_tokenization_spaces: false })));
  }

  idToToken(id: number): string | undefined {
    return this.tok.id_to_token(id);
  }
}
