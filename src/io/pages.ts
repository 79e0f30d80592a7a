/**
 * ShareGPT page HTML (the input of OpenChat's original pipeline): the conversation sits in the
 * Next.js payload `<script id="__NEXT_DATA__">` as `props.pageProps.content.items`.
 */

const NEXT_DATA = /<script[^>]*\bid=["']__NEXT_DATA__["'][^>]*>([\s\S]*?)<\/script>/i;

import { DEFAULT_READ_LIMITS, inspectJson } from './limits.js';

export type PageResult = { ok: true; value: Record<string, unknown> } | { ok: false; detail: string; reason?: 'too_deep' };

/** Extracts one ShareGPT record `{id, conversations, model?}` from a page's HTML. */
export function parseSharegptPage(html: string, fallbackId: string, maxDepth = DEFAULT_READ_LIMITS.maxDepth): PageResult {
  const m = NEXT_DATA.exec(html);
  if (!m) return { ok: false, detail: 'no <script id="__NEXT_DATA__"> in the page' };
  if (inspectJson(m[1]!, maxDepth).tooDeep) return { ok: false, reason: 'too_deep', detail: `__NEXT_DATA__ is nested more than ${maxDepth} levels deep (limit maxDepth)` };
  let data: unknown;
  try {
    data = JSON.parse(m[1]!);
  } catch (e) {
    return { ok: false, detail: `__NEXT_DATA__ is not valid JSON: ${(e as Error).message}` };
  }
  const pageProps = (data as { props?: { pageProps?: Record<string, unknown> } })?.props?.pageProps;
  const content = pageProps?.content as { items?: unknown; model?: unknown } | undefined;
  if (!content || !Array.isArray(content.items)) return { ok: false, detail: 'props.pageProps.content.items is missing or not an array' };
  const id = typeof pageProps?.id === 'string' ? pageProps.id : fallbackId;
  const rec: Record<string, unknown> = { id, conversations: content.items };
  if (typeof content.model === 'string') rec.model = content.model;
  return { ok: true, value: rec };
}
