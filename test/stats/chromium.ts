/**
 * Opens an HTML report in Debian's headless Chromium (never a downloaded browser build) and
 * reports what a person would see: charts drawn, console errors, network requests attempted.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface RenderCheck {
  charts: number;
  done: boolean;
  pageErrors: string[];
  consoleErrors: string[];
  /** Requests to anything but the report file itself. */
  requests: string[];
  /** Per canvas: id and how many of its pixels are painted (alpha > 0). */
  canvases: { id: string; painted: number; width: number; height: number }[];
}

/** Throws a message saying how to install Chromium when it is missing (the test must not skip). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the report render test needs Debian's chromium package. Install it with: apt-get update && apt-get install -y chromium (CI's .ci/run installs it)`);
  }
}

export async function renderReport(htmlFile: string, screenshot?: string): Promise<RenderCheck> {
  requireChromium();
  const profile = await mkdtemp(join(tmpdir(), 'sftforge-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 900 },
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const url = pathToFileURL(htmlFile).href;
    const out: RenderCheck = { charts: 0, done: false, pageErrors: [], consoleErrors: [], requests: [], canvases: [] };
    page.on('pageerror', (e) => out.pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') out.consoleErrors.push(m.text());
    });
    page.on('request', (r) => {
      if (r.url() !== url) out.requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __statsReport?: { done?: boolean } }).__statsReport?.done === true, undefined, { timeout: 20_000 });
    const state = await page.evaluate(() => {
      const s = (window as unknown as { __statsReport: { charts: number; done: boolean; errors: string[] } }).__statsReport;
      const canvases = [...document.querySelectorAll('canvas')].map((c) => {
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
        return { id: c.id, painted, width: c.width, height: c.height };
      });
      return { charts: s.charts, done: s.done, errors: s.errors, canvases };
    });
    out.charts = state.charts;
    out.done = state.done;
    out.pageErrors.push(...state.errors);
    out.canvases = state.canvases;
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return out;
  } finally {
    await ctx.close();
    await rm(profile, { recursive: true, force: true });
  }
}
