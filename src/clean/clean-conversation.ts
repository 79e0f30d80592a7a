/**
 * The per-record cleaning rules, as one pure function so it can run in worker threads: HTML to
 * Markdown for assistant turns, ShareGPT artifacts, error turns, structural repairs, validation.
 * Each repair and reject has a reason code (searchable by name) that the report counts.
 */
import type { Conversation, RejectMarker, Turn } from '../core/types.js';
import { reject } from '../core/types.js';
import { DEFAULT_MAX_DEPTH, htmlToMarkdown, looksLikeHtml, measureHtml, scanHtml, stripShareGptArtifacts } from './html/index.js';
import { isErrorTurn } from './error-turns.js';
import { isSpace } from './html/whitespace.js';

export interface CleanOptions {
  /** Deepest HTML nesting accepted before the converter sees a turn (`too_deep`). */
  maxDepth?: number;
  /** Largest turn accepted, in bytes of UTF-8 (`too_large`). */
  maxTurnBytes?: number;
  /** Fewest characters a conversation may have in all (`too_short`). FastChat uses 16. */
  minChars?: number;
  /** Convert HTML assistant turns (on by default). */
  html?: boolean;
  /**
   * Work budget per record, deterministic (not wall time): HTML elements the converter may visit
   * over all turns, and Markdown bytes it may produce (`work_budget_exceeded`). Per-turn limits
   * (depth, cells, attributes, elements) are checkHtmlLimits' defaults.
   */
  maxRecordHtmlElements?: number;
  maxRecordMarkdownBytes?: number;
}

export const DEFAULT_CLEAN: Required<CleanOptions> = {
  maxDepth: DEFAULT_MAX_DEPTH,
  maxTurnBytes: 4 << 20,
  minChars: 16,
  html: true,
  // 2.5× the per-turn element limit; the sample's busiest record has 187 elements.
  maxRecordHtmlElements: 250_000,
  maxRecordMarkdownBytes: 8 << 20,
};

/** A fenced code block of a Markdown turn (to the end of the text when never closed). */
const FENCED_CODE = /^[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^[ \t]*\1[ \t]*$|(?![\s\S]))/gm;

/** Repair codes, counted in the report. */
export type RepairCode = 'html_converted' | 'artifact_removed' | 'leading_assistant_removed' | 'trailing_user_removed' | 'whitespace_trimmed';

export interface CleanResult {
  out: Conversation | RejectMarker;
  repairs: RepairCode[];
}

export function cleanConversation(conv: Conversation, options: CleanOptions = {}): CleanResult {
  const o = withDefaults(options);
  const repairs: RepairCode[] = [];
  const original = conv;
  const bad = (reason: string, detail: string): CleanResult => ({
    out: reject({ reason, detail, source: conv.source, id: conv.id, record: original }),
    repairs,
  });

  const turns: Turn[] = [];
  let elements = 0; // work budget spent: HTML elements converted, Markdown bytes produced
  let produced = 0;
  for (let i = 0; i < conv.turns.length; i++) {
    const t = conv.turns[i]!;
    let text = t.content;
    if (Buffer.byteLength(text) > o.maxTurnBytes) return bad('too_large', `turn ${i} is ${Buffer.byteLength(text)} bytes (limit ${o.maxTurnBytes})`);
    // User turns are plain text in ShareGPT (the scraper took textContent): never convert them,
    // or `#include <stdio.h>` loses its header name as FastChat's cleaner does.
    if (o.html && t.role === 'assistant' && looksLikeHtml(text)) {
      const scan = measureHtml(text, { maxDepth: o.maxDepth, maxBytes: o.maxTurnBytes });
      if (scan.violation) return bad(scan.violation.reason, `turn ${i}: ${scan.violation.detail}`);
      elements += scan.elements;
      if (elements > o.maxRecordHtmlElements) {
        return bad('work_budget_exceeded', `turns 0–${i} hold ${elements} HTML elements (record budget ${o.maxRecordHtmlElements})`);
      }
      text = htmlToMarkdown(text);
      produced += Buffer.byteLength(text);
      if (produced > o.maxRecordMarkdownBytes) {
        return bad('work_budget_exceeded', `turns 0–${i} produced over ${o.maxRecordMarkdownBytes} bytes of Markdown`);
      }
      repairs.push('html_converted');
    } else if (o.html && t.role === 'assistant' && text.includes('<')) {
      // Not detected as HTML (e.g. it does not end with a tag), yet 5,000 unclosed `<span>`s
      // must not pass as text: the same depth guard applies, outside fenced code (an HTML
      // tutorial's `<p>`s, never closed, are code).
      const prose = text.includes('```') || text.includes('~~~') ? text.replace(FENCED_CODE, '') : text;
      const deep = scanHtml(prose, { maxDepth: o.maxDepth, maxTableCells: Infinity, maxAttributes: Infinity, maxElements: Infinity }).violation;
      if (deep) return bad(deep.reason, `turn ${i}: ${deep.detail}`);
    }
    const stripped = stripShareGptArtifacts(text);
    if (stripped.removed > 0) repairs.push('artifact_removed');
    text = stripped.text;
    const trimmed = trimInvisible(text);
    if (trimmed !== text) {
      text = trimmed;
      repairs.push('whitespace_trimmed');
    }
    const nt: Turn = { role: t.role, content: text };
    if (t.weight !== undefined) nt.weight = t.weight;
    turns.push(nt);
  }

  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    if (t.role === 'assistant' && isErrorTurn(t.content)) return bad('error_turn', `turn ${i} is a ChatGPT error message: ${JSON.stringify(t.content.slice(0, 80))}`);
  }

  // Structure: an optional first system turn, then user/assistant alternating, ending on assistant.
  const system = turns[0]?.role === 'system' ? [turns.shift()!] : [];
  while (turns[0]?.role === 'assistant') {
    turns.shift();
    repairs.push('leading_assistant_removed');
  }
  while (turns.length > 0 && turns[turns.length - 1]!.role === 'user') {
    turns.pop();
    repairs.push('trailing_user_removed');
  }
  for (let i = 0; i < turns.length; i++) {
    const want = i % 2 === 0 ? 'user' : 'assistant';
    if (turns[i]!.role !== want)
      return bad('wrong_format', `turn ${i + system.length} is ${turns[i]!.role}, expected ${want} (turns must alternate user/assistant after an optional first system turn)`);
  }
  if (turns.length < 2) return bad('wrong_format', 'no user→assistant round left');
  const all = [...system, ...turns];
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.content === '' && !(i === 0 && all[i]!.role === 'system')) return bad('empty_turn', `turn ${i} (${all[i]!.role}) is empty after cleaning`);
  }
  let chars = 0;
  for (const t of all) chars += t.content.length;
  if (chars < o.minChars) return bad('too_short', `${chars} characters in all (minimum ${o.minChars})`);

  const out: Conversation = { ...conv, turns: all };
  return { out, repairs };
}

/** Options with unset fields (undefined from the CLI) taking the defaults. */
export function withDefaults(options: CleanOptions): Required<CleanOptions> {
  const o = { ...DEFAULT_CLEAN };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  return o;
}

/**
 * Trim whitespace and the invisible characters the UI leaves behind (zero-width space, joiners,
 * BOM, word joiner): an answer of only U+200B is empty, as FastChat's isprintable() test also says.
 */
export function trimInvisible(s: string): string {
  // A walk in from each end: the regex form `^[…]+|[…]+$` tried the second branch at every
  // position of the text (~1% of clean's CPU).
  let a = 0;
  let b = s.length;
  while (a < b && isInvisible(s.charCodeAt(a))) a++;
  while (b > a && isInvisible(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function isInvisible(c: number): boolean {
  return isSpace(c) || (c >= 0x200b && c <= 0x200d) || c === 0x2060; // U+FEFF is in isSpace
}
