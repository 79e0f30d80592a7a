/**
 * A parsed chat template that renders like transformers' `apply_chat_template(tokenize=False)`:
 * @huggingface/jinja with the Python-string patch, `{% generation %}` regions kept, and a
 * deterministic `strftime_now`.
 */
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { TemplateConfigError, TemplateError } from '../errors.js';
import { extractGenerationRegions, hasGenerationTags, rewriteGenerationTags, type Region } from './generation.js';
import { ensureJinjaPatched } from './patch.js';
import { strftime } from './strftime.js';

export interface JinjaRender {
  text: string;
  /** `{% generation %}` regions in `text` (empty when the template has none). */
  generation: Region[];
}

/** Python's range(start, stop, step), as the package's own global. */
function range(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new Error('range() step must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/**
 * The globals @huggingface/jinja's `Template.render` declares (setupGlobals in 0.5.11), with our
 * `strftime_now`. `Template.render` cannot be used: it declares `strftime_now` itself and a
 * variable cannot be declared twice. The e2e vector test fails if the package grows a global
 * that is missing here.
 */
function globalsEnvironment(now: Date | undefined): Environment {
  const env = new Environment();
  const globals: Record<string, unknown> = {
    false: false,
    true: true,
    none: null,
    False: false,
    True: true,
    None: null,
    raise_exception: (msg: unknown) => {
      throw new Error(String(msg));
    },
    range,
    strftime_now: (format: string) => strftime(now ?? new Date(), format),
  };
  for (const [k, v] of Object.entries(globals)) env.set(k, v);
  return env;
}

export class ChatTemplateProgram {
  readonly hasGeneration: boolean;
  private readonly template: Template;

  constructor(
    readonly source: string,
    private readonly label = 'hf',
  ) {
    const patch = ensureJinjaPatched();
    if (!patch.applied) {
      throw new TemplateConfigError(
        `cannot patch @huggingface/jinja for Python string semantics: ${patch.problem}`,
        'the installed @huggingface/jinja changed its internals; pin 0.5.x or update src/format/templates/jinja/patch.ts',
      );
    }
    this.hasGeneration = hasGenerationTags(source);
    try {
      this.template = new Template(this.hasGeneration ? rewriteGenerationTags(source) : source);
    } catch (e) {
      throw new TemplateConfigError(`chat template ${label} does not parse: ${(e as Error).message}`, 'check the chat_template string in tokenizer_config.json');
    }
  }

  /** Renders with `context` as the template variables; `now` feeds `strftime_now`. */
  render(context: Record<string, unknown>, now?: Date): JinjaRender {
    let raw: string;
    try {
      const env = globalsEnvironment(now);
      for (const [k, v] of Object.entries(context)) env.set(k, v);
      raw = new Interpreter(env).run(this.template.parsed).value as string;
    } catch (e) {
      throw new TemplateError('template_render_error', this.label, `rendering failed: ${(e as Error).message}`);
    }
    if (!this.hasGeneration) return { text: raw, generation: [] };
    const { text, regions, error } = extractGenerationRegions(raw);
    if (error) throw new TemplateError('template_render_error', this.label, error);
    return { text, generation: regions };
  }
}
