/**
 * Llama 3, Meta's format (meta-llama/llama3 `ChatFormat.encode_dialog_prompt`, and the
 * Meta-Llama-3-Instruct `chat_template`): `<|begin_of_text|>`, then per message
 * `<|start_header_id|>{role}<|end_header_id|>\n\n{content.strip()}<|eot_id|>`; the generation
 * prompt is the assistant header. Content is stripped as Meta's encoder does.
 * Trained: `{a}<|eot_id|>`.
 */
import type { Turn } from '../../core/types.js';
import { RenderBuilder } from './builder.js';
import { pyStrip } from './pystr.js';
import type { ChatTemplate, RenderOptions, Rendered, TemplateOptions } from './types.js';

const EOT = '<|eot_id|>';
const header = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;

export class Llama3Template implements ChatTemplate {
  readonly name = 'llama-3';
  readonly stripsContent = true;
  readonly specialTokens: readonly string[];
  private readonly bos: string;

  constructor(private readonly opts: TemplateOptions) {
    this.bos = opts.addBos === false ? '' : (opts.bosToken ?? '<|begin_of_text|>');
    this.specialTokens = [this.bos, '<|start_header_id|>', '<|end_header_id|>', EOT].filter(Boolean);
  }

  render(turns: readonly Turn[], ro: RenderOptions = {}): Rendered {
    const b = new RenderBuilder().lit(this.bos);
    const sys = this.opts.systemPrompt;
    if (sys !== undefined && turns[0]?.role !== 'system') b.lit(header('system') + pyStrip(sys) + EOT);
    turns.forEach((turn, index) => {
      b.lit(header(turn.role));
      const start = b.message(index, turn.role, pyStrip(turn.content));
      b.lit(EOT);
      if (turn.role === 'assistant') b.train(index, start, turn);
    });
    if (ro.addGenerationPrompt) b.lit(header('assistant'));
    return b.build();
  }
}
