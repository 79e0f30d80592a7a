/**
 * UltraLM, as UltraChat trains it (thunlp/UltraChat UltraLM/13b/data_utils.py,
 * `PromptIterableDataset.tokenize_example`, sep = ["EOS", "\n"]): the first user turn is
 * `{bos}User: {u}{eos}`, every later turn starts with "\n": `\nUser: {u}{eos}`,
 * `\nAssistant: {a}{eos}`. Tags go by position (User, Assistant, ...), so turns must alternate.
 * Trained: `{a}{eos}` (labels cover `c + end_token`). There is no trailing newline.
 *
 * UltraLM was trained without a system prompt. A system turn (or `systemPrompt`) is written the
 * way UltraChat's own inference_cli.py writes its system prompt: as a first `User: {s}{eos}` line.
 * The generation prompt is inference_cli.py's `\nAssistant: ` (with the space).
 */
import type { Turn } from '../../core/types.js';
import { RenderBuilder, bosEos } from './builder.js';
import { assertAlternating, splitSystem } from './conversation.js';
import type { ChatTemplate, RenderOptions, Rendered, TemplateOptions } from './types.js';

export class UltraLmTemplate implements ChatTemplate {
  readonly name = 'ultralm';
  readonly specialTokens: readonly string[];
  private readonly bos: string;
  private readonly eos: string;

  constructor(private readonly opts: TemplateOptions) {
    ({ bos: this.bos, eos: this.eos, specialTokens: this.specialTokens } = bosEos(opts));
  }

  render(turns: readonly Turn[], ro: RenderOptions = {}): Rendered {
    const conv = splitSystem(this.name, turns, this.opts.systemPrompt ?? '');
    assertAlternating(this.name, conv.messages);
    const b = new RenderBuilder().lit(this.bos);
    let first = true;
    const line = (tag: string): void => {
      b.lit(first ? `${tag}: ` : `\n${tag}: `);
      first = false;
    };
    if (conv.system !== '') {
      line('User');
      if (conv.systemTurn >= 0) b.message(conv.systemTurn, 'system', conv.system);
      else b.lit(conv.system);
      b.lit(this.eos);
    }
    for (const { turn, index } of conv.messages) {
      line(turn.role === 'user' ? 'User' : 'Assistant');
      const start = b.message(index, turn.role, turn.content);
      b.lit(this.eos);
      if (turn.role === 'assistant') b.train(index, start, turn);
    }
    if (ro.addGenerationPrompt) line('Assistant');
    return b.build();
  }
}
