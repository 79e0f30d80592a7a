/**
 * Character spans for a Jinja chat template that knows nothing about spans.
 *
 * Content: the conversation is rendered a second time with each message's content replaced by a
 * unique sentinel (U+FDD2 index U+FDD3). Putting the real contents back in place of the sentinels
 * must give the real render byte for byte; then each sentinel's place is that content's span.
 * When it does not (the template strips, escapes, splits or drops content, or renders it twice,
 * or branches on what the content says), the spans cannot be trusted and a TemplateSpanError is
 * thrown so the caller quarantines the sample.
 *
 * Trained (when the template has no `{% generation %}` blocks): an assistant reply is trained from
 * the start of its content up to the start of the next message's rendered region, without the
 * whitespace before that point. "Its region" is what the template writes after the content when
 * that message is the last one: the conversation cut after the reply is rendered (sentinels
 * again), and the text that follows the reply's sentinel there, compared character by character
 * with what follows the content in the full render, gives the end-of-turn marker
 * (`<|im_end|>`, `</s>`, `<|eot_id|>`, ...). If the two diverge inside that text (the template
 * adds end-of-conversation text), the match is cut back to the last known special token or
 * whitespace, so a partial token is never trained.
 */
import type { Turn } from '../../core/types.js';
import { TemplateError, TemplateSpanError } from './errors.js';
import type { ChatTemplateProgram } from './jinja/program.js';
import type { Region } from './jinja/generation.js';
import type { Rendered, Span, TrainedSpan } from './types.js';

export interface HfMessage {
  role: string;
  content: string;
  /** Assistant function calls and a tool result's function name, passed to the template as is. */
  tool_calls?: unknown[];
  name?: string;
  /** Index of the input turn this message renders; undefined for text the caller added (systemPrompt). */
  turn?: number;
}

export interface DeriveInput {
  label: string;
  program: ChatTemplateProgram;
  context: Record<string, unknown>;
  messages: readonly HfMessage[];
  turns: readonly Turn[];
  addGenerationPrompt: boolean;
  now?: Date;
  /** Special-token strings a trained span may end on when the derivation has to cut back. */
  endTokens: readonly string[];
}

const RESERVED = /[\uFDD0-\uFDD3]/;
const SENTINEL = /\uFDD2(\d+)\uFDD3/g;
const sentinel = (k: number) => `\uFDD2${k}\uFDD3`;

const toContext = (messages: readonly HfMessage[]) => messages.map(({ turn: _turn, ...m }) => m);

function renderText(inp: DeriveInput, messages: readonly HfMessage[], addGen: boolean) {
  return inp.program.render({ ...inp.context, messages: toContext(messages), add_generation_prompt: addGen }, inp.now);
}

/**
 * A tool-call turn with empty content keeps its '' (templates branch on `content` being empty,
 * e.g. Qwen3 writes a newline before `<tool_call>` only after text); its place is found instead
 * from the render of the messages before it with the generation prompt (placedByPrefix).
 */
const placedByPrefix = (m: HfMessage) => m.turn !== undefined && m.content === '' && (m.tool_calls?.length ?? 0) > 0;

function withSentinels(messages: readonly HfMessage[]): HfMessage[] {
  return messages.map((m, k) => (m.turn === undefined || placedByPrefix(m) ? m : { ...m, content: sentinel(k) }));
}

/** Start of an empty tool-call reply: right after the assistant header the template opens it with. */
function prefixStart(inp: DeriveInput, realText: string, k: number): number {
  const before = renderText(inp, inp.messages.slice(0, k), true).text;
  if (realText.startsWith(before)) return before.length;
  const plain = renderText(inp, inp.messages.slice(0, k), false).text;
  if (realText.startsWith(plain)) return plain.length;
  throw new TemplateSpanError(inp.label, `turn ${inp.messages[k]!.turn} (a tool call) cannot be located: the messages before it do not render as a prefix`, 'quarantine the sample');
}

/** Puts the real contents back for the sentinels; returns the text and where each content landed. */
function substitute(s: string, messages: readonly HfMessage[]): { text: string; at: Map<number, number[]> } {
  let text = '';
  let last = 0;
  const at = new Map<number, number[]>();
  for (const m of s.matchAll(SENTINEL)) {
    const k = Number(m[1]);
    text += s.slice(last, m.index);
    at.set(k, [...(at.get(k) ?? []), text.length]);
    text += messages[k]!.content;
    last = m.index + m[0].length;
  }
  return { text: text + s.slice(last), at };
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function contentSpans(inp: DeriveInput, realText: string, sentinelText: string): Span[] {
  const { text, at } = substitute(sentinelText, inp.messages);
  if (text !== realText) {
    const i = firstDifference(text, realText);
    throw new TemplateSpanError(
      inp.label,
      `the template transforms message content (renders differ at offset ${i}: ` + `${JSON.stringify(realText.slice(i, i + 40))} vs ${JSON.stringify(text.slice(i, i + 40))})`,
      'content spans cannot be located exactly; quarantine the sample or use a built-in template',
    );
  }
  const spans: Span[] = [];
  inp.messages.forEach((m, k) => {
    if (m.turn === undefined) return;
    if (placedByPrefix(m)) {
      const start = prefixStart(inp, realText, k);
      spans.push({ start, end: start, turn: m.turn, role: inp.turns[m.turn]!.role });
      return;
    }
    const starts = at.get(k) ?? [];
    if (starts.length !== 1) {
      throw new TemplateSpanError(
        inp.label,
        `turn ${m.turn} (${m.role}) content is rendered ${starts.length} times; expected once`,
        'the template drops or repeats this message, so its span is ambiguous',
      );
    }
    spans.push({ start: starts[0]!, end: starts[0]! + m.content.length, turn: m.turn, role: inp.turns[m.turn]!.role });
  });
  return spans.sort((a, b) => a.start - b.start || a.end - b.end);
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);

/** Cuts `common` back to its longest prefix ending on a special token, else on whitespace. */
function cutBack(common: string, endTokens: readonly string[]): number {
  let best = 0;
  for (const t of endTokens) {
    if (!t) continue;
    for (let i = common.indexOf(t); i >= 0; i = common.indexOf(t, i + 1)) best = Math.max(best, i + t.length);
  }
  if (best > 0) return best;
  for (let i = common.length; i > 0; i--) if (isSpace(common[i - 1])) return i;
  return 0;
}

function derivedTrained(inp: DeriveInput, text: string, content: Span[], sentinelText: string): TrainedSpan[] {
  const trained: TrainedSpan[] = [];
  inp.messages.forEach((m, k) => {
    if (m.turn === undefined || inp.turns[m.turn]!.role !== 'assistant') return;
    const span = content.find((s) => s.turn === m.turn)!;
    const next = content.find((s) => s.start >= span.end && s !== span);
    const gap = text.slice(span.end, next ? next.start : text.length);
    // The conversation cut after the last message is the whole one: reuse its sentinel render.
    const whole = k === inp.messages.length - 1 && !inp.addGenerationPrompt;
    let n: number;
    if (placedByPrefix(m)) {
      // No sentinel to find. The render cut after this reply ends with the reply's region (what a
      // template writes before the reply may differ when it is last: Qwen3's empty think block),
      // so the region is the longest start of the gap that ends the cut render.
      const cut = renderText(inp, inp.messages.slice(0, k + 1), false).text;
      n = Math.min(gap.length, cut.length);
      while (n > 0 && !cut.endsWith(gap.slice(0, n))) n--;
    } else {
      const prefix = whole ? sentinelText : renderText(inp, withSentinels(inp.messages.slice(0, k + 1)), false).text;
      const at = prefix.indexOf(sentinel(k));
      if (at < 0) {
        throw new TemplateSpanError(inp.label, `turn ${m.turn} is not rendered when the conversation ends with it`);
      }
      const tail = prefix.slice(at + sentinel(k).length).replace(SENTINEL, '');
      n = firstDifference(tail, gap);
      if (n < tail.length) n = cutBack(tail.slice(0, n), inp.endTokens);
    }
    let end = span.end + n;
    while (end > span.end && isSpace(text[end - 1])) end--;
    trained.push({ start: span.start, end, turn: m.turn, role: 'assistant', weight: inp.turns[m.turn]!.weight ?? 1 });
  });
  return trained;
}

/** `{% generation %}` regions, each owned by the one assistant content inside it. */
function generationTrained(inp: DeriveInput, regions: Region[], content: Span[]): TrainedSpan[] {
  return regions.map((r) => {
    const owners = content.filter((s) => s.role === 'assistant' && s.start >= r.start && s.end <= r.end);
    if (owners.length !== 1) {
      throw new TemplateSpanError(inp.label, `a {% generation %} block at ${r.start}..${r.end} holds ${owners.length} assistant contents; expected one`);
    }
    const turn = owners[0]!.turn;
    return { start: r.start, end: r.end, turn, role: 'assistant' as const, weight: inp.turns[turn]!.weight ?? 1 };
  });
}

export function deriveSpans(inp: DeriveInput): Rendered {
  inp.messages.forEach((m) => {
    if (RESERVED.test(m.content)) {
      throw new TemplateError(
        'reserved_characters',
        inp.label,
        `${m.turn === undefined ? 'the systemPrompt option' : `turn ${m.turn}`} contains U+FDD0..U+FDD3, which span derivation reserves`,
        'these are Unicode noncharacters; remove them in cleaning',
      );
    }
  });
  const real = renderText(inp, inp.messages, inp.addGenerationPrompt);
  const sentinelText = renderText(inp, withSentinels(inp.messages), inp.addGenerationPrompt).text;
  const content = contentSpans(inp, real.text, sentinelText);
  const trained = inp.program.hasGeneration ? generationTrained(inp, real.generation, content) : derivedTrained(inp, real.text, content, sentinelText);
  return { text: real.text, content, trained };
}
