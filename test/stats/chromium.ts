/**
 * Opens an HTML report in headless Chromium and reports what a person would see: charts drawn,
 * console errors, network requests attempted. The browser is Debian's /usr/bin/chromium when
 * installed, else the chrome-headless-shell that the @sparticuz/chromium dev dependency ships inside
 * its npm package (brotli-compressed, inflated once into the temp folder): `npm ci` alone is
 * enough, and nothing is downloaded at run time (executablePath() is never given a URL).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** The system browser; SFTFORGE_SYSTEM_CHROMIUM overrides the path (point it at a missing file to test the fallback). */
export const CHROMIUM = process.env.SFTFORGE_SYSTEM_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface RenderCheck {
  charts: number;
  done: boolean;
  pageErrors: string[];
  consoleErrors: string[];
  /** Requests to anything but the report file itself. */
  requests: string[];
  /** Per canvas: id and how many of its pixels are painted (alpha > 0). */
  canvases: { id: string; painted: number; width: number; height: number }[];
  /** What `probe` returned, evaluated in the page once the charts are drawn. */
  probe?: unknown;
}

export interface Browser {
  path: string;
  source: 'system' | '@sparticuz/chromium';
  args: string[];
}

/** The system Chromium, else the packaged one; throws saying how to get one (the test must not skip). */
export async function findChromium(): Promise<Browser> {
  if (existsSync(CHROMIUM)) return { path: CHROMIUM, source: 'system', args: ARGS };
  let mod: { default: { executablePath(input?: string): Promise<string> } };
  try {
    mod = (await import('@sparticuz/chromium')) as typeof mod;
  } catch (e) {
    throw new Error(`${CHROMIUM} not found and the @sparticuz/chromium dev dependency cannot be loaded (${(e as Error).message}): run npm ci, or install Debian's chromium package`);
  }
  // No argument: inflate the binary bundled in the package (a URL would download one).
  const path = await mod.default.executablePath();
  // The packaged build is chrome-headless-shell for sandboxless containers: no zygote, no sandbox.
  return { path, source: '@sparticuz/chromium', args: [...ARGS, '--no-zygote', '--disable-setuid-sandbox', '--single-process'] };
}

export async function renderReport(htmlFile: string, screenshot?: string, probe?: () => unknown): Promise<RenderCheck> {
  const browser = await findChromium();
  const profile = await mkdtemp(join(tmpdir(), 'sftforge-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: browser.path,
    headless: true,
    args: browser.args,
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
    if (probe) out.probe = await page.evaluate(probe);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return out;
  } finally {
    await ctx.close();
    await rm(profile, { recursive: true, force: true });
  }
}
