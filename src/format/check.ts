/**
 * The mask check, run on every sample of every run (not only in tests). A sample that fails is
 * quarantined as `mask_mismatch` with the reason; it is never written with a wrong or empty mask.
 *
 * For every trained span (reply + end marker, weight > 0), with R the tokens overlapping it:
 * 1. R is not empty;
 * 2. R covers the span, and what R covers beyond the span is whitespace only (a tokenizer may glue
 *    the space before a reply to its first word, `▁Hello`; anything else, e.g. `:H`, means a token
 *    mixes template text into the trained tokens);
 * 3. decode(R) equals the text R covers, after removing leading whitespace on both sides: decoders
 *    normalise the start of a decoded string (SentencePiece's `▁` prefix, Llama's strip of one
 *    leading space); everything else must be equal character for character, end marker included
 *    (modulo NFC and `▁`-as-space, which some tokenizers cannot give back). A character inside R
 *    that no token holds (dropped by a normalizer) shows up here as a difference.
 * 4. when the span ends with a special-token string (the end-of-turn marker), the run's last token
 *    is that control token (so it is trained: the model learns to stop).
 * And, per assistant turn: the prompt rendered with the generation prompt is a string prefix of
 * the conversation, ending at or before the reply (template text in between is counted). For a
 * template with `{% generation %}` blocks only the prefix part applies: the template itself says
 * what is trained, and its blocks may begin before the prompt ends (SmolLM3's hold the
 * `<|im_start|>assistant\n` header the generation prompt also writes).
 */
import type { Turn } from '../core/types.js';
import type { ChatTemplate, Rendered } from './templates/types.js';
import { HfChatTemplate } from './templates/hf.js';
import type { Masked } from './mask.js';
import type { Locator } from './tokenizer/locator.js';
import type { SpecialScanner } from './pieces.js';

export interface DecodeRequest {
  ids: Int32Array;
  expected: string;
  turn: number;
}

const WS = /^\s*$/;

function show(s: string): string {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
}

/** Checks 1–2; returns the failure, or the decode requests for check 3. */
export function checkRuns(r: Rendered, ids: Int32Array, loc: Locator, m: Masked, scanner: SpecialScanner): { failure: string } | { decode: DecodeRequest[] } {
  const text = r.text;
  const contentEnd = new Map(r.content.map((c) => [c.turn, c.end]));
  const decode: DecodeRequest[] = [];
  for (const run of m.runs) {
    const { span } = run;
    const turn = span.turn;
    if (run.first === run.last) return { failure: `assistant turn ${turn}: no token overlaps its reply` };
    const lo = loc.start(run.first);
    const hi = loc.end(run.last - 1);
    if (lo > span.start) return { failure: `assistant turn ${turn}: the reply starts before its first trained token (${show(text.slice(span.start, lo))} untrained)` };
    if (hi < span.end) return { failure: `assistant turn ${turn}: the reply ends after its last trained token (${show(text.slice(hi, span.end))} untrained)` };
    if (!WS.test(text.slice(lo, span.start))) {
      return { failure: `assistant turn ${turn}: a trained token straddles the start of the reply (${show(text.slice(lo, Math.min(span.end, span.start + 8)))} mixes template text in)` };
    }
    if (!WS.test(text.slice(span.end, hi))) {
      return { failure: `assistant turn ${turn}: a trained token straddles the end of the reply (${show(text.slice(Math.max(span.start, span.end - 8), hi))})` };
    }
    // The end-of-turn marker is one trained control token (so the model learns to stop).
    // Only the template's text after the content counts (a user may end a message with "</s>").
    const eot = scanner.endingAt(text, contentEnd.get(turn) ?? span.start, span.end);
    if (eot && (ids[run.last - 1] !== eot.id || loc.end(run.last - 1) !== span.end)) {
      return { failure: `assistant turn ${turn}: the reply's end marker ${eot.content} is not its last trained token` };
    }
    decode.push({ ids: ids.subarray(run.first, run.last), expected: text.slice(lo, hi), turn });
  }
  return { decode };
}

/**
 * Check 3 for one run. Both sides are NFC-normalised and `▁` (U+2581) read as a space first: some
 * tokenizers normalise to NFC or write spaces as `▁`, and cannot give back the other form; that is
 * the tokenizer's loss, not a mask error.
 */
export function decodedMatches(decoded: string, expected: string): boolean {
  return decoded.trimStart() === expected.trimStart() || canon(decoded) === canon(expected);
}

function canon(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\u2581/g, ' ')
    .trimStart();
}

export function decodeFailure(req: DecodeRequest, decoded: string): string {
  const a = canon(decoded);
  const b = canon(req.expected);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `assistant turn ${req.turn}: trained tokens decode to ${show(a.slice(Math.max(0, i - 10)))} where the text is ${show(b.slice(Math.max(0, i - 10)))} (first difference at character ${i})`;
}

/** Renders the generation prompt for these turns (the text only). */
export interface PromptText {
  (turns: readonly Turn[]): string;
  /** The template's `generationBlocks` (set by `promptRenderer`), read by `checkPromptPrefix`. */
  readonly generationBlocks?: boolean;
}

/**
 * The prompt renderer: `render(..., {addGenerationPrompt})`, or for `hf` templates the plain
 * Jinja render without span derivation (several renders less per prompt), once it has been seen
 * to give the same text as `render` on a real sample.
 */
export function promptRenderer(template: ChatTemplate, sample?: readonly Turn[]): PromptText {
  const generationBlocks = template.generationBlocks === true;
  const slow = (t: readonly Turn[]) => template.render(t, { addGenerationPrompt: true }).text;
  const pick = (): ((t: readonly Turn[]) => string) => {
    if (!(template instanceof HfChatTemplate) || !sample) return slow;
    const fast = (t: readonly Turn[]) =>
      template.renderText(
        t.map((x) => ({ role: x.role, content: x.content })),
        true,
      );
    try {
      const probe = sample.slice(0, Math.max(1, sample.length - 1));
      return fast(probe) === slow(probe) && template.renderText(sample, false) === template.render(sample).text ? fast : slow;
    } catch {
      return slow;
    }
  };
  return Object.assign(pick(), { generationBlocks });
}

export interface PromptCheck {
  failure?: string;
  /**
   * Replies preceded by template text that the generation prompt lacks (Qwen3's empty
   * `<think>\n\n</think>` before the last reply): untrained here, generated by the model at
   * inference. Counted, not rejected; `--chat-template-kwargs '{"enable_thinking": false}'` puts
   * it in the prompt instead.
   */
  gaps: number;
}

export interface PromptCheckOptions {
  /**
   * The trained spans are the template's `{% generation %}` blocks (`ChatTemplate.generationBlocks`):
   * only the prefix is checked, since a block may start before the prompt ends, and nothing is
   * counted as a gap, since text the template leaves outside its blocks is untrained by design.
   */
  generationBlocks?: boolean;
}

/**
 * The generation prompt of every trained reply is a prefix of the rendered conversation and (unless
 * the template's generation blocks define the trained text) ends at or before the reply.
 */
export function checkPromptPrefix(promptText: PromptText, turns: readonly Turn[], r: Rendered, o: PromptCheckOptions = {}): PromptCheck {
  const generationBlocks = o.generationBlocks ?? promptText.generationBlocks === true;
  let gaps = 0;
  for (const span of r.trained) {
    if (span.weight <= 0) continue;
    let prompt: string;
    try {
      prompt = promptText(turns.slice(0, span.turn));
    } catch (e) {
      return { gaps, failure: `assistant turn ${span.turn}: its prompt cannot be rendered alone (${(e as Error).message.split('\n')[0]})` };
    }
    if (!r.text.startsWith(prompt)) {
      let i = 0;
      while (i < prompt.length && prompt[i] === r.text[i]) i++;
      return {
        gaps,
        failure: `assistant turn ${span.turn}: the generation prompt is not a prefix of the conversation (differs at character ${i}: ${show(prompt.slice(i))} vs ${show(r.text.slice(i))})`,
      };
    }
    if (generationBlocks) continue;
    if (prompt.length > span.start) {
      return { gaps, failure: `assistant turn ${span.turn}: the generation prompt ends at ${prompt.length}, after the reply starts (${span.start})` };
    }
    if (!WS.test(r.text.slice(prompt.length, span.start))) gaps++;
  }
  return { gaps };
}
