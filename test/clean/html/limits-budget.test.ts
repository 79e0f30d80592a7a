/**
 * Bounds on hostile HTML (issue #11): unclosed elements count toward depth, cells per table,
 * attributes per element, elements per turn, a work budget per record, each with its reason code;
 * and fast-check properties: deep, unclosed or huge HTML is rejected or converted quickly, never
 * crashes and never leaves raw markup nested past the limit.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { cleanConversation } from '../../../src/clean/clean-conversation.js';
import { checkHtmlLimits, DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TABLE_CELLS, htmlToMarkdown, looksLikeHtml } from '../../../src/clean/html/index.js';
import { isReject, type Conversation } from '../../../src/core/types.js';

const record = (assistant: string): Conversation => ({
  id: 't',
  source: { file: 'mem', index: 0 },
  turns: [
    { role: 'user', content: 'Please write the answer.' },
    { role: 'assistant', content: assistant },
  ],
});
const outcome = (assistant: string) => {
  const r = cleanConversation(record(assistant)).out;
  return isReject(r) ? r.reason : 'kept';
};
const bigTable = (rows: number, cols: number) => {
  const row = (i: number) => '<tr>' + Array.from({ length: cols }, (_, j) => `<td>r${i}c${j}</td>`).join('') + '</tr>';
  return '<div class="markdown prose"><table><thead>' + row(0) + '</thead><tbody>' + Array.from({ length: rows }, (_, i) => row(i + 1)).join('') + '</tbody></table></div>';
};

describe('per-turn limits', () => {
  test('5,000 unclosed <span>s are too_deep, whether or not the turn is detected as HTML', () => {
    const spans = '<span>'.repeat(5000) + 'x';
    expect(looksLikeHtml('<p>hi</p>' + spans)).toBe(false); // does not end with a tag
    expect(outcome('<p>hi</p>' + spans)).toBe('too_deep');
    expect(outcome(`<div class="markdown prose"><p>hi</p>${spans}</div>`)).toBe('too_deep');
    expect(outcome(`<p>hi ${spans}</p>`)).toBe('too_deep');
  });

  test('a 4,000×50 table (3.3 MB) is too_many_cells, decided before any DOM is built', () => {
    const html = bigTable(4000, 50);
    expect(Buffer.byteLength(html)).toBeGreaterThan(3_000_000);
    const t0 = performance.now();
    expect(outcome(html)).toBe('too_many_cells');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(checkHtmlLimits(bigTable(10, 10))).toBeNull();
    expect(checkHtmlLimits(bigTable(100, 101))?.reason).toBe('too_many_cells'); // 10,201 > 10,000
    expect(DEFAULT_MAX_TABLE_CELLS).toBe(10_000);
  });

  test('too_many_attributes counts attributes, quoted values with spaces included', () => {
    const attrs = (n: number) => Array.from({ length: n }, (_, i) => ` data-a${i}="x y"`).join('');
    expect(checkHtmlLimits(`<p${attrs(DEFAULT_MAX_ATTRIBUTES)}>ok</p>`)).toBeNull();
    expect(checkHtmlLimits(`<p${attrs(DEFAULT_MAX_ATTRIBUTES + 1)}>no</p>`)?.reason).toBe('too_many_attributes');
  });

  test('too_complex past maxElements', () => {
    const html = '<p>' + '<b>x</b>'.repeat(50) + '</p>';
    expect(checkHtmlLimits(html, { maxElements: 51 })).toBeNull();
    expect(checkHtmlLimits(html, { maxElements: 50 })?.reason).toBe('too_complex');
  });
});

describe('work budget per record', () => {
  test('elements summed over turns: work_budget_exceeded, deterministic', () => {
    const turn = '<div class="markdown prose"><p>' + '<b>x</b>'.repeat(100) + '</p></div>';
    const conv: Conversation = {
      id: 'b',
      source: { file: 'mem', index: 0 },
      turns: [
        { role: 'user', content: 'first question here' },
        { role: 'assistant', content: turn },
        { role: 'user', content: 'second question here' },
        { role: 'assistant', content: turn },
      ],
    };
    const within = cleanConversation(conv, { maxRecordHtmlElements: 300 }).out;
    expect(isReject(within)).toBe(false);
    const over = cleanConversation(conv, { maxRecordHtmlElements: 150 }).out;
    expect(isReject(over) && over.reason).toBe('work_budget_exceeded');
    expect(JSON.stringify(cleanConversation(conv, { maxRecordHtmlElements: 150 }).out)).toBe(JSON.stringify(over));
  });

  test('Markdown bytes produced are charged too', () => {
    const turn = '<div class="markdown prose"><p>' + 'word '.repeat(400) + '</p></div>';
    const r = cleanConversation(record(turn), { maxRecordMarkdownBytes: 1000 }).out;
    expect(isReject(r) && r.reason).toBe('work_budget_exceeded');
  });
});

describe('properties (fast-check)', () => {
  const tag = fc.constantFrom('div', 'span', 'p', 'b', 'em', 'li', 'ul', 'table', 'tr', 'td', 'code', 'pre', 'a', 'blockquote');
  /** Open tags, close tags and text in any order: unclosed and stray end tags included. */
  const soup = fc
    .array(
      fc.oneof(
        tag.map((t) => `<${t}>`),
        tag.map((t) => `</${t}>`),
        fc.string({ maxLength: 8 }).map((s) => s.replace(/[<&]/g, '')),
      ),
      { maxLength: 400 },
    )
    .map((parts) => `<div class="markdown prose">${parts.join('')}</div>`);

  test('any tag soup: rejected with a known reason or converted, fast, without throwing', () => {
    fc.assert(
      fc.property(soup, (html) => {
        const t0 = performance.now();
        const reason = outcome(html);
        expect(['kept', 'too_deep', 'empty_turn', 'too_short']).toContain(reason);
        expect(performance.now() - t0).toBeLessThan(1000);
      }),
      { numRuns: 200, seed: 15 },
    );
  });

  test('nesting of any depth: accepted only within the limit, and then converted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), tag, fc.boolean(), (depth, t, closed) => {
        const html = `<${t}>`.repeat(depth) + 'x' + (closed ? `</${t}>`.repeat(depth) : '');
        const t0 = performance.now();
        const v = checkHtmlLimits(html);
        if (depth > DEFAULT_MAX_DEPTH) expect(v?.reason).toBe('too_deep');
        else if (!v) expect(typeof htmlToMarkdown(html)).toBe('string');
        expect(performance.now() - t0).toBeLessThan(2000);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  test('huge flat answers: checked in linear time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 200_000 }), (n) => {
        const html = '<p>' + '<span>a</span>'.repeat(n) + '</p>';
        const t0 = performance.now();
        const v = checkHtmlLimits(html);
        expect(v === null || v.reason === 'too_complex' || v.reason === 'too_large').toBe(true);
        expect(performance.now() - t0).toBeLessThan(1000);
      }),
      { numRuns: 10, seed: 7 },
    );
  });
});

test('a Markdown answer whose fenced code opens 300 <p>s is not too_deep (code is not markup)', () => {
  const md = 'An old-style page:\n\n```html\n' + '<p>item\n'.repeat(300) + '```\n\nThat is all.';
  expect(outcome(md)).toBe('kept');
  expect(outcome('Unfenced: ' + '<p>item\n'.repeat(300))).toBe('too_deep');
});
