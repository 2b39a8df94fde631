// Debian's Chromium driven by playwright-core (no browser download), with bounded
// timeouts and a screenshot of the page when a test fails.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve(import.meta.dirname, '..', '..', 'test-results');

export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };

const ACTION_TIMEOUT_MS = 5_000;
const NAVIGATION_TIMEOUT_MS = 10_000;

/** The one line a browser suite fails with when there is no Chromium to drive. */
export function chromiumMissingMessage(executablePath: string): string {
  return `Chromium not found at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
}

/** Throws that one line, without a stack (mocha prints the line alone), unless `executablePath` is an executable file. */
export function assertChromiumAt(executablePath: string): void {
  try {
    if (!statSync(executablePath).isFile()) throw new Error('not a file');
    accessSync(executablePath, constants.X_OK);
  } catch {
    const missing = new Error(chromiumMissingMessage(executablePath));
    missing.stack = missing.message;
    throw missing;
  }
}

/** Checks for the browser first, so a missing one is that line rather than Playwright's generic launch error. */
export async function launchBrowser(executablePath = CHROMIUM_PATH): Promise<Browser> {
  assertChromiumAt(executablePath);
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
    timeout: 20_000,
  });
}

/** A fresh context (own cookies) and page, with bounded timeouts and page errors collected. */
export async function newPage(browser: Browser, viewport = PHONE): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  const page = await context.newPage();
  recordTraffic(page);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  // Console errors include CSP violations and scripts that fail; 4xx answers of the API are the page's business.
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) {
      errors.push(`console: ${text}`);
    }
  });
  page.on('dialog', (dialog) => {
    errors.push(`unexpected dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, errors };
}

/** The page's last answers, oldest first: what a failed test prints, since CI keeps no screenshot. */
const traffic = new WeakMap<Page, string[]>();
const TRAFFIC_KEPT = 20;

function recordTraffic(page: Page): void {
  const seen: string[] = [];
  traffic.set(page, seen);
  const keep = (line: string) => {
    seen.push(line);
    if (seen.length > TRAFFIC_KEPT) seen.shift();
  };
  const started = Date.now();
  const since = () => `+${Date.now() - started} ms`;
  page.on('response', (res) => keep(`${since()} ${res.request().method()} ${new URL(res.url()).pathname} ${res.status()}`));
  page.on('requestfailed', (req) => keep(`${since()} ${req.method()} ${new URL(req.url()).pathname} failed: ${req.failure()?.errorText ?? '?'}`));
}

/** What the page shows and last asked, as lines for a failed test's output. */
async function describePage(page: Page): Promise<string[]> {
  const read = page.evaluate(() => {
    const message = document.getElementById('message');
    const app = document.getElementById('app');
    return [
      `url ${location.pathname}${location.search}`,
      `#app state=${app?.dataset.state ?? '-'} busy=${app?.dataset.busy ?? '-'}`,
      `#message ${message?.hidden ? 'hidden' : 'shown'} kind=${message?.dataset.kind ?? '-'} outcome=${message?.dataset.outcome ?? '-'}: ${(message?.textContent ?? '').trim().slice(0, 200)}`,
    ];
  });
  const unanswered = new Promise<string[]>((resolve) => setTimeout(() => resolve(['(the page did not answer)']), 2_000).unref());
  const shown = await Promise.race([read.catch(() => ['(the page did not answer)']), unanswered]);
  return [...shown, ...(traffic.get(page) ?? []).map((line) => `  ${line}`)];
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return path.join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120)}.png`);
}

/**
 * Registers an afterEach hook in the calling suite: when a test failed, the current
 * page is saved to test-results/<test title>.png.
 */
export function screenshotOnFailure(currentPage: () => Page | undefined): void {
  afterEach(async function () {
    const test = this.currentTest;
    const page = currentPage();
    if (!test || test.state !== 'failed' || !page || page.isClosed()) return;
    console.error(`    the page when "${test.title}" failed:\n${(await describePage(page)).map((line) => `      ${line}`).join('\n')}`);
    try {
      await page.screenshot({ path: screenshotPath(`failed-${test.fullTitle()}`), fullPage: true, timeout: 5_000 });
    } catch {
      // A crashed page cannot be photographed; the test's own error says what went wrong.
    }
  });
}
