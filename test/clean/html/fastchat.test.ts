/**
 * Against FastChat's clean_sharegpt.py (markdownify 0.11.6), run unmodified on real data:
 * ../shared/vectors/fastchat_clean_sharegpt_reference_outputs.json.
 *
 * Where we agree: its HTML→Markdown case. Where we deliberately differ: FastChat converts every
 * turn, user turns and Markdown answers included, as HTML. On Markdown that collapses code
 * indentation, deletes `<String, String>` as an unknown tag and doubles existing escapes (`\*` →
 * `\\*`). We convert only assistant turns that are HTML (looksLikeHtml), so Markdown comes back
 * unchanged; only the UI's regenerate counters (`…？1 / 1`) are removed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { htmlToMarkdown, looksLikeHtml, stripShareGptArtifacts } from '../../../src/clean/html/index.js';
import { sharedData, sharedVectors } from '../../helpers/paths.js';

interface Msg {
  from: string;
  value: string;
}
interface Rec {
  id?: string;
  conversations: Msg[];
}
interface FastChatResult {
  id: string;
  error_code: number;
  output: Rec | null;
}

const ref = JSON.parse(readFileSync(sharedVectors('fastchat_clean_sharegpt_reference_outputs.json'), 'utf8')) as {
  html_to_markdown: { html: string; markdown: string }[];
  clean_html_one_sample: { results: Record<string, FastChatResult[]> };
};

/** What the cleaning stage does to one turn's text (the caller's rule: user turns never convert). */
function cleanTurn(m: Msg): string {
  const text = m.from === 'gpt' && looksLikeHtml(m.value) ? htmlToMarkdown(m.value) : m.value;
  return stripShareGptArtifacts(text).text;
}

describe('FastChat reference', () => {
  test('HTML→Markdown of the CC0 ShareGPT answer matches FastChat exactly', () => {
    expect(ref.html_to_markdown.length).toBeGreaterThan(0);
    for (const c of ref.html_to_markdown) {
      expect(looksLikeHtml(c.html)).toBe(true);
      expect(htmlToMarkdown(c.html)).toBe(c.markdown);
    }
  });

  test('DialogStudio Markdown records: unchanged here, damaged by FastChat (deliberate difference)', () => {
    const input = JSON.parse(readFileSync(sharedData('public/DialogStudio_ShareGPT_original_example.json'), 'utf8')) as Rec[];
    const fastchat = new Map(ref.clean_html_one_sample.results['dialogstudio']!.map((r) => [r.id, r]));
    let fastchatChanged = 0;
    for (const rec of input) {
      const theirs = fastchat.get(rec.id!)!.output!.conversations;
      rec.conversations.forEach((m, i) => {
        expect(looksLikeHtml(m.value)).toBe(false);
        expect(cleanTurn(m)).toBe(m.value);
        if (theirs[i]!.value !== m.value) fastchatChanged++;
      });
    }
    expect(fastchatChanged).toBe(10); // the turns FastChat altered, listed in the vectors

    const java = input.find((r) => r.id === 'A5AbcES_0')!.conversations[1]!.value;
    const theirsJava = fastchat.get('A5AbcES_0')!.output!.conversations[1]!.value;
    // FastChat: indentation collapsed, generics deleted. Here: both kept.
    expect(theirsJava).not.toContain('Map<String, String>');
    expect(theirsJava).not.toContain('\n        String input');
    expect(cleanTurn({ from: 'gpt', value: java })).toContain('Map<String, String> replacements');
    expect(cleanTurn({ from: 'gpt', value: java })).toContain('\n        String input');

    const asm = input.find((r) => r.id === 'hRPPgZT_0')!.conversations[0]!.value;
    // FastChat doubles an existing escape (`[BX\*2+SI]` → `[BX\\*2+SI]`), in a user turn even.
    expect(fastchat.get('hRPPgZT_0')!.output!.conversations[0]!.value).toContain('[BX\\\\*2+SI]');
    expect(cleanTurn({ from: 'human', value: asm })).toContain('[BX\\*2+SI]');
    expect(cleanTurn({ from: 'human', value: asm })).not.toContain('[BX\\\\*2+SI]');
  });

  test('MedicalGPT: every kept turn unchanged except regenerate counters; FastChat altered 730', () => {
    const lines = readFileSync(sharedData('public/MedicalGPT_sharegpt_zh_1K_format.jsonl'), 'utf8').trim().split('\n');
    const input = lines.map((l) => JSON.parse(l) as Rec);
    const fastchat = ref.clean_html_one_sample.results['medicalgpt_zh']!;
    let ours = 0;
    let theirs = 0;
    const counters: string[] = [];
    input.forEach((rec, k) => {
      const fc = fastchat[k]!;
      rec.conversations.forEach((m, i) => {
        const cleaned = cleanTurn(m);
        if (cleaned !== m.value) {
          ours++;
          counters.push(m.value.slice(cleaned.length));
          expect(m.value.startsWith(cleaned)).toBe(true);
        }
        const out = fc.error_code === 0 ? fc.output!.conversations[i] : undefined;
        if (out && out.value !== m.value) theirs++;
      });
    });
    expect(ours).toBe(3);
    expect(counters).toEqual(['2 / 2', '1 / 1', '1 / 1']);
    expect(theirs).toBe(730);
  });
});
