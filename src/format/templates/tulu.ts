/**
 * Tulu, as open-instruct's `encode_with_messages_format` builds it (allenai/open-instruct
 * finetune.py `_concat_messages`): `<|system|>\n{s}\n`, `<|user|>\n{u}\n`,
 * `<|assistant|>\n{a}{eos}\n`, every content Python-`strip()`ped, the whole text `strip()`ped
 * (so no newline after the last message), BOS first as the Llama tokenizer adds it. The
 * generation prompt is open-instruct's eval form: the unstripped text plus `<|assistant|>\n`.
 *
 * Trained: `{a}{eos}`. open-instruct also trains the newline after a non-final reply; here the
 * newline is left out like every other template's (see the module doc of fastchat.ts).
 */
import type { Turn } from '../../core/types.js';
import { RenderBuilder, truncateRendered, bosEos } from './builder.js';
import { pyRStrip, pyStrip } from './pystr.js';
import type { ChatTemplate, RenderOptions, Rendered, TemplateOptions } from './types.js';

export class TuluTemplate implements ChatTemplate {
  readonly name = 'tulu';
  readonly stripsContent = true;
  readonly specialTokens: readonly string[];
  private readonly bos: string;
  private readonly eos: string;

  constructor(private readonly opts: TemplateOptions) {
    ({ bos: this.bos, eos: this.eos, specialTokens: this.specialTokens } = bosEos(opts));
  }

  render(turns: readonly Turn[], ro: RenderOptions = {}): Rendered {
    // Roles are written out, so any order renders (as in open-instruct); `systemPrompt` only
    // fills in when the conversation does not open with a system turn.
    const sys = this.opts.systemPrompt ?? '';
    const b = new RenderBuilder().lit(this.bos);
    if (turns[0]?.role !== 'system' && sys !== '') b.lit(`<|system|>\n${pyStrip(sys)}\n`);
    turns.forEach((turn, index) => {
      b.lit(`<|${turn.role}|>\n`);
      const start = b.message(index, turn.role, pyStrip(turn.content));
      if (turn.role === 'assistant') b.lit(this.eos).train(index, start, turn);
      b.lit('\n');
    });
    if (ro.addGenerationPrompt) return b.lit('<|assistant|>\n').build();
    const r = b.build();
    // open-instruct: example_text = _concat_messages(messages).strip()
    return truncateRendered(r, pyRStrip(r.text).length);
  }
}
