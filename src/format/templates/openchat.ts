/**
 * OpenChat templates, as OpenChat builds its training sequences (imoneoi/openchat
 * ochat/config/__init__.py and conversation_template.py; README "Conversation templates"):
 * BOS, then an optional `{system}<|end_of_turn|>` with no role prefix, then for each message
 * `{role prefix} {content}<|end_of_turn|>`; the reply and its `<|end_of_turn|>` are trained.
 *
 * OpenChat tokenizes role prefixes and contents separately (SentencePiece adds the space in front
 * of the content); as one string that space is written out, as in the README and the model's own
 * `chat_template`. The generation prompt ends without a space (`GPT4 Correct Assistant:`), as there.
 */
import type { Turn } from '../../core/types.js';
import { RenderBuilder } from './builder.js';
import { splitSystem } from './conversation.js';
import { TemplateConfigError } from './errors.js';
import type { ChatTemplate, RenderOptions, Rendered, TemplateOptions } from './types.js';

const EOT = '<|end_of_turn|>';

interface OpenChatDef {
  name: string;
  /** Role prefix without the space before the content. */
  prefix(role: 'user' | 'assistant', condition: string): string;
  /** What `addGenerationPrompt` appends. */
  generationPrompt(condition: string): string;
}

/** ochat `_v3_2_role_prefix`: f"{condition} {User:|Assistant:}".strip(). */
function v32Prefix(role: 'user' | 'assistant', condition: string): string {
  return `${condition} ${role === 'user' ? 'User:' : 'Assistant:'}`.trim();
}

const DEFS: Record<string, OpenChatDef> = {
  'openchat_3.5': {
    name: 'openchat_3.5',
    prefix: v32Prefix,
    generationPrompt: (c) => v32Prefix('assistant', c),
  },
  // OpenChat v1 (LLaMA-13B): role_prefix {"human": "Human: ", "gpt": "Assistant: "}, BOS "<s>".
  openchat: {
    name: 'openchat',
    prefix: (role) => (role === 'user' ? 'Human:' : 'Assistant:'),
    generationPrompt: () => 'Assistant: ',
  },
};

class OpenChatTemplate implements ChatTemplate {
  readonly name: string;
  readonly specialTokens: readonly string[];
  private readonly bos: string;
  private readonly condition: string;

  constructor(
    private readonly def: OpenChatDef,
    private readonly opts: TemplateOptions,
  ) {
    this.name = def.name;
    this.bos = opts.addBos === false ? '' : (opts.bosToken ?? '<s>');
    this.condition = opts.condition ?? 'GPT4 Correct';
    this.specialTokens = this.bos ? [this.bos, EOT] : [EOT];
  }

  render(turns: readonly Turn[], ro: RenderOptions = {}): Rendered {
    const conv = splitSystem(this.name, turns, this.opts.systemPrompt ?? '');
    const b = new RenderBuilder().lit(this.bos);
    if (conv.system !== '') {
      if (conv.systemTurn >= 0) b.message(conv.systemTurn, 'system', conv.system);
      else b.lit(conv.system);
      b.lit(EOT);
    }
    for (const { turn, index } of conv.messages) {
      b.lit(`${this.def.prefix(turn.role as 'user' | 'assistant', this.condition)} `);
      const start = b.message(index, turn.role, turn.content);
      b.lit(EOT);
      if (turn.role === 'assistant') b.train(index, start, turn);
    }
    if (ro.addGenerationPrompt) b.lit(this.def.generationPrompt(this.condition));
    return b.build();
  }
}

export const OPENCHAT_NAMES = Object.keys(DEFS);

export function openChatTemplate(name: string, opts: TemplateOptions): ChatTemplate {
  const def = DEFS[name];
  if (!def) throw new TemplateConfigError(`no OpenChat template ${JSON.stringify(name)}`);
  return new OpenChatTemplate(def, opts);
}
