/**
 * Builders for ChatGPT-UI-shaped HTML, copied from the shapes in
 * ../shared/data/sharegpt_html_sample.json (2023 UI with a language <span>, December 2022 without).
 */
import { marked, type Token } from 'marked';

const SVG =
  '<svg stroke="currentColor" fill="none" stroke-width="2" viewBox="0 0 24 24" stroke-linecap="round" ' +
  'stroke-linejoin="round" class="h-4 w-4" height="1em" width="1em" xmlns="http://www.w3.org/2000/svg">' +
  '<path d="M16 4h2a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h2"></path>' +
  '<rect x="8" y="2" width="8" height="4" rx="1" ry="1"></rect></svg>';

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Wrap every run of word characters in a highlight span, as hljs does for keywords. */
export function highlight(code: string): string {
  return escapeHtml(code).replace(/\b(const|let|def|return|import|from|if|for)\b/g, '<span class="hljs-keyword">$1</span>');
}

export interface UiBlockOptions {
  /** December 2022 shape: no language span in the header, `!whitespace-pre-wrap`. */
  dec2022?: boolean;
  /** Already-escaped inner HTML of <code> (default: highlight(code)). */
  inner?: string;
}

export function uiCodeBlock(code: string, lang: string, opts: UiBlockOptions = {}): string {
  const shownLang = lang || 'plaintext';
  const header = opts.dec2022
    ? '<div class="flex items-center relative text-gray-200 bg-gray-800 px-4 py-2 text-xs font-sans">'
    : '<div class="flex items-center relative text-gray-200 bg-gray-800 px-4 py-2 text-xs font-sans justify-between rounded-t-md">' + `<span>${shownLang}</span>`;
  const cls = `${opts.dec2022 ? '!whitespace-pre-wrap' : '!whitespace-pre'} hljs language-${shownLang}`;
  return (
    '<pre><div class="bg-black rounded-md mb-4">' +
    header +
    `<button class="flex ml-auto gap-2">${SVG}Copy code</button></div>` +
    `<div class="p-4 overflow-y-auto"><code class="${cls}">${opts.inner ?? highlight(code)}</code></div></div></pre>`
  );
}

/** The `.markdown` wrapper the scraper kept as the turn's value. */
export const answer = (inner: string) => `<div class="markdown prose w-full break-words dark:prose-invert light">${inner}\n</div>`;

export interface Fence {
  lang: string;
  code: string;
  /** Nesting path of token types down to the code block ("list_item>code"). */
  path: string;
}

/** Fenced code blocks as marked (the renderer that made the sample) reads them, nested ones too. */
export function fences(md: string): Fence[] {
  const out: Fence[] = [];
  const walk = (toks: Token[] | undefined, path: string[]) => {
    for (const t of toks ?? []) {
      if (t.type === 'code') out.push({ lang: (t as { lang?: string }).lang ?? '', code: (t as { text: string }).text, path: [...path, 'code'].join('>') });
      const nested = t as { tokens?: Token[]; items?: Token[] };
      walk(nested.tokens, [...path, t.type]);
      walk(nested.items, [...path, t.type]);
    }
  };
  walk(marked.lexer(md), []);
  return out;
}

/** Markdown → HTML as the sample was made (marked, GFM), code blocks in the UI's shape. */
export function renderLikeSample(md: string, opts: UiBlockOptions = {}): string {
  const html = marked.parse(md, { async: false }) as string;
  const withUi = html.replace(/<pre><code(?: class="language-([^"]+)")?>([\s\S]*?)<\/code><\/pre>/g, (_m, lang: string | undefined, inner: string) =>
    uiCodeBlock('', lang ?? '', { ...opts, inner: inner.replace(/\n$/, '') }),
  );
  return answer(withUi);
}
