import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkHtmlLimits, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, htmlDepth, HtmlConversionError, htmlToMarkdown, looksLikeHtml } from '../../../src/clean/html/index.js';
import { sharedData } from '../../helpers/paths.js';

interface Rec {
  id: string;
  conversations?: { from: string; value: unknown }[];
}

const records = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.json'), 'utf8')) as (Rec | null)[];
const manifest = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.manifest.json'), 'utf8')) as {
  planted: Record<string, string[]>;
};
const deepIds = new Set(manifest.planted['deep_nesting']);
const byId = new Map(records.filter((r): r is Rec => !!r && typeof r.id === 'string').map((r) => [r.id, r]));
const gptHtml = (r: Rec) => (r.conversations ?? []).filter((t) => t && t.from === 'gpt' && typeof t.value === 'string').map((t) => t.value as string);

describe('checkHtmlLimits', () => {
  test('a 20,000-deep record from the sample is too_deep in well under 200 ms', () => {
    const rec = byId.get([...deepIds][0]!)!;
    const deep = gptHtml(rec).find((h) => htmlDepth(h) > 10_000)!;
    expect(deep).toBeDefined();
    const t0 = performance.now();
    const v = checkHtmlLimits(deep);
    const ms = performance.now() - t0;
    expect(v?.reason).toBe('too_deep');
    expect(v?.detail).toContain(`${DEFAULT_MAX_DEPTH}`);
    expect(ms).toBeLessThan(200);
  });

  test('every planted deep_nesting record is rejected, and no other record is', () => {
    expect(deepIds.size).toBe(15);
    const rejected = new Set<string>();
    for (const r of byId.values()) {
      for (const h of gptHtml(r)) {
        if (!looksLikeHtml(h)) continue;
        const v = checkHtmlLimits(h);
        if (v) {
          expect(v.reason).toBe('too_deep');
          rejected.add(r.id);
        }
      }
    }
    expect([...rejected].sort()).toEqual([...deepIds].sort());
  });

  test('too_large by UTF-8 bytes, not characters', () => {
    const cjk = '<p>' + '中'.repeat(400) + '</p>'; // 1,207 bytes, 407 characters
    expect(checkHtmlLimits(cjk, { maxBytes: 1000 })).toMatchObject({ reason: 'too_large' });
    expect(checkHtmlLimits(cjk, { maxBytes: 2000 })).toBeNull();
    expect(checkHtmlLimits('<p>' + 'a'.repeat(DEFAULT_MAX_BYTES) + '</p>')?.reason).toBe('too_large');
  });

  test('depth counts open elements: void and self-closed tags, comments and typed tags add none', () => {
    expect(htmlDepth('<div><p>a<br>b<img src=x><hr/></p></div>')).toBe(2);
    expect(htmlDepth('<div><!-- <div><div> --><p>x</p></div>')).toBe(2);
    // `#include <QObject>` never closes; as typed text it nests nothing (typed-tags.ts).
    expect(htmlDepth('<p>' + '#include <QObject>\n'.repeat(1000) + '</p>')).toBe(1);
    expect(checkHtmlLimits('<p>' + 'Map<String, String> m;\n'.repeat(1000) + '</p>')).toBeNull();
    const nested = (n: number) => '<div>'.repeat(n) + 'x' + '</div>'.repeat(n);
    expect(checkHtmlLimits(nested(DEFAULT_MAX_DEPTH))).toBeNull();
    expect(checkHtmlLimits(nested(DEFAULT_MAX_DEPTH + 1))?.reason).toBe('too_deep');
    expect(checkHtmlLimits(nested(50), { maxDepth: 49 })?.reason).toBe('too_deep');
  });

  test('what passes the default depth limit converts without overflowing the stack', () => {
    const html = '<div>'.repeat(DEFAULT_MAX_DEPTH - 1) + '<p>deep</p>' + '</div>'.repeat(DEFAULT_MAX_DEPTH - 1);
    expect(checkHtmlLimits(html)).toBeNull();
    expect(htmlToMarkdown(html)).toBe('deep');
  });
});

test('past MAX_NESTING levels, htmlToMarkdown fails with an explicit error, not a stack overflow', () => {
  const html = '<div>'.repeat(5000) + 'x' + '</div>'.repeat(5000);
  expect(() => htmlToMarkdown(html)).toThrow(HtmlConversionError);
  expect(() => htmlToMarkdown(html)).toThrow(/checkHtmlLimits/);
});
