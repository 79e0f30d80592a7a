import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { looksLikeHtml } from '../../../src/clean/html/index.js';
import { sharedData } from '../../helpers/paths.js';

describe('looksLikeHtml', () => {
  test('the UI wrapper and Dec-2022 top-level blocks are HTML', () => {
    expect(looksLikeHtml('<div class="markdown prose w-full break-words dark:prose-invert light"><p>Hi</p></div>')).toBe(true);
    expect(looksLikeHtml('<p>Hello</p><ol><li>a</li></ol>')).toBe(true);
    expect(looksLikeHtml('  <pre><code>x</code></pre>\n')).toBe(true);
    // A planted record appends text after the wrapper; the wrapper alone decides.
    expect(looksLikeHtml('<div class="markdown prose"><p>Hello!</p>\n</div> (ref D0vXJOZ)')).toBe(true);
  });

  test('Markdown with angle brackets is not HTML', () => {
    expect(looksLikeHtml('#include <stdio.h>\nint main() { return 0; }')).toBe(false);
    expect(looksLikeHtml('<stdio.h> is the C standard I/O header.')).toBe(false);
    expect(looksLikeHtml('if a < b and b > c:\n    pass')).toBe(false);
    expect(looksLikeHtml('Use `Map<String, String>`:\n```java\nMap<String, String> m;\n```')).toBe(false);
    expect(looksLikeHtml('<p> is the paragraph tag; write it before text.')).toBe(false);
    expect(looksLikeHtml('<b>bold</b> in the middle of Markdown **text**')).toBe(false);
    expect(looksLikeHtml('')).toBe(false);
  });

  test('every assistant turn of the sample: HTML except the rate-limit messages', () => {
    const records = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.json'), 'utf8')) as unknown[];
    let html = 0;
    const notHtml = new Set<string>();
    for (const r of records as { conversations?: unknown }[]) {
      if (!r || !Array.isArray(r.conversations)) continue;
      for (const t of r.conversations as { from?: string; value?: unknown }[]) {
        if (t?.from !== 'gpt' || typeof t.value !== 'string') continue;
        if (looksLikeHtml(t.value)) html++;
        else notHtml.add(t.value);
      }
    }
    expect([...notHtml]).toEqual(['Too many requests in 1 hour. Try again later.']);
    expect(html).toBeGreaterThan(8000);
  });

  test('real Markdown datasets: no turn is taken for HTML', () => {
    const files = ['DialogStudio_ShareGPT_original_example.json', 'FastChat_dummy_conversation.json'];
    for (const f of files) {
      const recs = JSON.parse(readFileSync(sharedData('public', f), 'utf8')) as { conversations: { value: string }[] }[];
      for (const r of recs) for (const t of r.conversations) expect(looksLikeHtml(t.value)).toBe(false);
    }
    const med = readFileSync(sharedData('public/MedicalGPT_sharegpt_zh_1K_format.jsonl'), 'utf8').trim().split('\n');
    for (const l of med)
      for (const t of (JSON.parse(l) as { conversations: { value: string }[] }).conversations) {
        expect(looksLikeHtml(t.value)).toBe(false);
      }
  });
});
