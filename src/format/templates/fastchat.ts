/**
 * Templates rendered exactly as FastChat's `Conversation.get_prompt()` renders them
 * (lm-sys/FastChat fastchat/conversation.py @0e6d3e4b; vectors in
 * shared/vectors/fastchat_conversation_template_vectors.json). Only the separator styles these
 * templates use are ported. FastChat leaves BOS to the tokenizer; here `addBos` (default on for
 * Llama/Mistral templates) puts it in the text so the string is the whole training sequence.
 *
 * Trained span of an assistant reply: its content plus the end-of-turn marker the model must learn
 * to emit (`</s>`, ` </s>`, `<|im_end|>`), never the newline or the next turn's BOS after it.
 */
import type { Turn } from '../../core/types.js';
import { RenderBuilder } from './builder.js';
import { assertAlternating, splitSystem } from './conversation.js';
import { TemplateConfigError } from './errors.js';
import type { ChatTemplate, RenderOptions, Rendered, TemplateOptions } from './types.js';

type Style = 'add_colon_single' | 'add_colon_two' | 'llama2' | 'chatml';

interface FastChatDef {
  name: string;
  style: Style;
  /** `{system_message}` is replaced by the system text. */
  systemTemplate: string;
  defaultSystem: string;
  roles: readonly [string, string];
  sep: string;
  sep2?: string;
  /** The part of the separator after a reply that is trained (the stop marker). */
  trainedSep: (eos: string) => string;
  /** Few-shot messages FastChat renders before the conversation (template text, never trained). */
  fewShot?: readonly [string, string][];
  defaultBos: string;
  defaultAddBos: boolean;
  /** Separators use eos (`</s>`) unless they are fixed strings. */
  usesEos: boolean;
  /** chatml style: render the system block even when the system text is empty (FastChat zephyr). */
  alwaysSystemBlock?: boolean;
}

const VICUNA_SYSTEM = 'A chat between a curious user and an artificial intelligence assistant. ' + "The assistant gives helpful, detailed, and polite answers to the user's questions.";

const ONE_SHOT_SYSTEM = 'A chat between a curious human and an artificial intelligence assistant. ' + "The assistant gives helpful, detailed, and polite answers to the human's questions.";

/** FastChat's one_shot example (conversation.py, template "one_shot"). */
const ONE_SHOT_EXAMPLE: [string, string][] = [
  ['Human', 'Got any creative ideas for a 10 year old’s birthday?'],
  [
    'Assistant',
    "Of course! Here are some creative ideas for a 10-year-old's birthday party:\n" +
      '1. Treasure Hunt: Organize a treasure hunt in your backyard or nearby park. Create clues and riddles for the kids to solve, leading them to hidden treasures and surprises.\n' +
      '2. Science Party: Plan a science-themed party where kids can engage in fun and interactive experiments. You can set up different stations with activities like making slime, erupting volcanoes, or creating simple chemical reactions.\n' +
      '3. Outdoor Movie Night: Set up a backyard movie night with a projector and a large screen or white sheet. Create a cozy seating area with blankets and pillows, and serve popcorn and snacks while the kids enjoy a favorite movie under the stars.\n' +
      '4. DIY Crafts Party: Arrange a craft party where kids can unleash their creativity. Provide a variety of craft supplies like beads, paints, and fabrics, and let them create their own unique masterpieces to take home as party favors.\n' +
      '5. Sports Olympics: Host a mini Olympics event with various sports and games. Set up different stations for activities like sack races, relay races, basketball shooting, and obstacle courses. Give out medals or certificates to the participants.\n' +
      '6. Cooking Party: Have a cooking-themed party where the kids can prepare their own mini pizzas, cupcakes, or cookies. Provide toppings, frosting, and decorating supplies, and let them get hands-on in the kitchen.\n' +
      '7. Superhero Training Camp: Create a superhero-themed party where the kids can engage in fun training activities. Set up an obstacle course, have them design their own superhero capes or masks, and organize superhero-themed games and challenges.\n' +
      '8. Outdoor Adventure: Plan an outdoor adventure party at a local park or nature reserve. Arrange activities like hiking, nature scavenger hunts, or a picnic with games. Encourage exploration and appreciation for the outdoors.\n' +
      "Remember to tailor the activities to the birthday child's interests and preferences. Have a great celebration!",
  ],
];

const CHATML: FastChatDef = {
  name: 'chatml',
  style: 'chatml',
  systemTemplate: '<|im_start|>system\n{system_message}',
  defaultSystem: '',
  roles: ['<|im_start|>user', '<|im_start|>assistant'],
  sep: '<|im_end|>',
  trainedSep: () => '<|im_end|>',
  defaultBos: '',
  defaultAddBos: false,
  usesEos: false,
};

export const FASTCHAT_DEFS: Record<string, FastChatDef> = {
  'vicuna_v1.1': {
    name: 'vicuna_v1.1',
    style: 'add_colon_two',
    systemTemplate: '{system_message}',
    defaultSystem: VICUNA_SYSTEM,
    roles: ['USER', 'ASSISTANT'],
    sep: ' ',
    sep2: '{eos}',
    trainedSep: (eos) => eos,
    defaultBos: '<s>',
    defaultAddBos: true,
    usesEos: true,
  },
  'llama-2': {
    name: 'llama-2',
    style: 'llama2',
    systemTemplate: '[INST] <<SYS>>\n{system_message}\n<</SYS>>\n\n',
    defaultSystem: '',
    roles: ['[INST]', '[/INST]'],
    sep: ' ',
    sep2: ' {eos}{bos}',
    trainedSep: (eos) => ` ${eos}`,
    defaultBos: '<s>',
    defaultAddBos: true,
    usesEos: true,
  },
  mistral: {
    name: 'mistral',
    style: 'llama2',
    systemTemplate: '[INST] {system_message}\n',
    defaultSystem: '',
    roles: ['[INST]', '[/INST]'],
    sep: ' ',
    sep2: '{eos}',
    trainedSep: (eos) => eos,
    defaultBos: '<s>',
    defaultAddBos: true,
    usesEos: true,
  },
  zephyr: {
    name: 'zephyr',
    style: 'chatml',
    systemTemplate: '<|system|>\n{system_message}',
    defaultSystem: '',
    roles: ['<|user|>', '<|assistant|>'],
    sep: '{eos}',
    trainedSep: (eos) => eos,
    defaultBos: '<s>',
    defaultAddBos: true,
    usesEos: true,
    alwaysSystemBlock: true,
  },
  chatml: CHATML,
  // FastChat's qwen-7b-chat is ChatML with a default system prompt.
  qwen: { ...CHATML, name: 'qwen', defaultSystem: 'You are a helpful assistant.' },
  one_shot: {
    name: 'one_shot',
    style: 'add_colon_single',
    systemTemplate: '{system_message}',
    defaultSystem: ONE_SHOT_SYSTEM,
    roles: ['Human', 'Assistant'],
    sep: '\n### ',
    trainedSep: () => '\n###',
    fewShot: ONE_SHOT_EXAMPLE,
    defaultBos: '<s>',
    defaultAddBos: true,
    usesEos: false,
  },
};

class FastChatTemplate implements ChatTemplate {
  readonly name: string;
  // A RenderBuilder pass: messages in order, the generation slot a prefix of the reply's header.
  readonly promptIsPrefix = true;
  readonly specialTokens: readonly string[];
  private readonly bos: string;
  private readonly eos: string;
  private readonly addBos: boolean;
  private readonly sep: string;
  private readonly sep2: string;

  constructor(
    private readonly def: FastChatDef,
    private readonly opts: TemplateOptions,
  ) {
    this.name = def.name;
    this.bos = opts.bosToken ?? def.defaultBos;
    this.eos = opts.eosToken ?? '</s>';
    this.addBos = (opts.addBos ?? def.defaultAddBos) && this.bos !== '';
    const fill = (s: string) => s.replaceAll('{eos}', this.eos).replaceAll('{bos}', this.bos);
    this.sep = fill(def.sep);
    this.sep2 = fill(def.sep2 ?? def.sep);
    const tokens = new Set<string>();
    if (this.addBos || def.sep2?.includes('{bos}')) tokens.add(this.bos);
    if (def.usesEos) tokens.add(this.eos);
    if (def.style === 'chatml' && !def.usesEos) ['<|im_start|>', '<|im_end|>'].forEach((t) => tokens.add(t));
    this.specialTokens = [...tokens];
  }

  render(turns: readonly Turn[], ro: RenderOptions = {}): Rendered {
    const { def } = this;
    const conv = splitSystem(def.name, turns, this.opts.systemPrompt ?? def.defaultSystem);
    assertAlternating(def.name, conv.messages);
    const b = new RenderBuilder();
    if (this.addBos) b.lit(this.bos);
    const [pre, post] = def.systemTemplate.split('{system_message}') as [string, string];
    const systemPart = (): void => {
      b.lit(pre);
      if (conv.systemTurn >= 0) b.message(conv.systemTurn, 'system', conv.system);
      else b.lit(conv.system);
      b.lit(post);
    };
    const msgs: { role: string; turn?: Turn; index?: number; text: string }[] = [
      ...(def.fewShot ?? []).map(([role, text]) => ({ role, text })),
      ...conv.messages.map(({ turn, index }) => ({
        role: def.roles[turn.role === 'user' ? 0 : 1],
        turn,
        index,
        text: turn.content,
      })),
    ];
    if (ro.addGenerationPrompt) msgs.push({ role: def.roles[1], text: '' });
    const trainedSep = def.trainedSep(this.eos);
    /** One message: `before`, the text, `after` (the separator); a reply trains up to its stop marker. */
    const body = (m: (typeof msgs)[number], before: string, after: string): void => {
      b.lit(before);
      if (!m.turn) {
        b.lit(m.text + after); // few-shot example: template text
        return;
      }
      const start = b.message(m.index!, m.turn.role, m.text);
      if (m.turn.role === 'assistant' && after.startsWith(trainedSep)) {
        b.lit(trainedSep).train(m.index!, start, m.turn);
        b.lit(after.slice(trainedSep.length));
      } else {
        b.lit(after);
      }
    };
    const isSlot = (i: number) => ro.addGenerationPrompt && i === msgs.length - 1;
    switch (def.style) {
      case 'add_colon_single':
        systemPart();
        b.lit(this.sep);
        msgs.forEach((m, i) => (isSlot(i) ? b.lit(`${m.role}:`) : body(m, `${m.role}: `, this.sep)));
        break;
      case 'add_colon_two':
        systemPart();
        b.lit(this.sep);
        msgs.forEach((m, i) => (isSlot(i) ? b.lit(`${m.role}:`) : body(m, `${m.role}: `, i % 2 ? this.sep2 : this.sep)));
        break;
      case 'llama2':
        // FastChat: "[INST] " opens the prompt when there is no system message; the first user
        // message then follows without its tag.
        if (conv.system) systemPart();
        else b.lit('[INST] ');
        msgs.forEach((m, i) => {
          if (isSlot(i)) b.lit(m.role);
          else if (i === 0) body(m, '', ' ');
          else body(m, `${m.role} `, i % 2 ? this.sep2 : this.sep);
        });
        break;
      case 'chatml': {
        // FastChat drops the system block only when the formatted system prompt is empty, so
        // zephyr always renders "<|system|>\n</s>\n". For ChatML an empty "<|im_start|>system\n"
        // block is left out (FastChat's ChatML templates always carry a default system text, and
        // the ChatML Jinja templates omit it): `alwaysSystemBlock` says which.
        if (def.alwaysSystemBlock || conv.system !== '') {
          systemPart();
          b.lit(this.sep + '\n');
        }
        msgs.forEach((m, i) => (isSlot(i) ? b.lit(`${m.role}\n`) : body(m, `${m.role}\n`, `${this.sep}\n`)));
        break;
      }
    }
    return b.build();
  }
}

export function fastChatTemplate(name: string, opts: TemplateOptions): ChatTemplate {
  const def = FASTCHAT_DEFS[name];
  if (!def) throw new TemplateConfigError(`no FastChat template ${JSON.stringify(name)}`);
  return new FastChatTemplate(def, opts);
}
