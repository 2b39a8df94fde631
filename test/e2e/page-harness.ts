// What every e2e file sets up around its tests: the browser, the app on one PG's sandbox, and a page
// whose errors fail the test, with a screenshot when a test fails. Call these inside a describe (or
// at a file's top level for the browser it shares between its describes).
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AppConfig } from '../../src/config';
import { launchBrowser, newPage, PHONE, screenshotOnFailure } from '../support/browser';
import { startE2eApp, type E2eGateway, type RunningApp } from './e2e-app';

type Viewport = typeof PHONE;

/** Launches Chromium before the suite and closes it after; answers the browser. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async function () {
    this.timeout(30_000);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('no browser');
    return browser;
  };
}

export interface AppOptions {
  /** Changes what the config files say (e.g. a plan with a free trial). */
  adjust?: (config: AppConfig) => AppConfig;
  /** Runs once the app is up, within the same hook (e.g. a member who paid). */
  prepare?: (app: RunningApp) => Promise<void>;
  timeout?: number;
}

/** Starts the app on `gateway` before the suite and closes it after; answers the app. */
export function useApp(gateway: E2eGateway, options: AppOptions = {}): () => RunningApp {
  let app: RunningApp | undefined;
  before(async function () {
    this.timeout(options.timeout ?? 30_000);
    app = await startE2eApp(gateway, options.adjust);
    await options.prepare?.(app);
  });
  after(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('no app');
    return app;
  };
}

/** The page a test drives: its own context (cookies), and the errors the page reported. */
export class PageSlot {
  context: BrowserContext | undefined;
  page: Page | undefined;
  errors: string[] = [];

  constructor(private readonly browser: () => Browser) {}

  /** A fresh context and page (browser.ts's newPage), in place of any before. */
  async open(viewport: Viewport = PHONE): Promise<Page> {
    await this.context?.close();
    const opened = await newPage(this.browser(), viewport);
    ({ context: this.context, page: this.page, errors: this.errors } = opened);
    return opened.page;
  }

  current(): Page {
    if (!this.page) throw new Error('no page');
    return this.page;
  }

  /** Closes the context; answers the errors the page reported. */
  async close(): Promise<string[]> {
    const errors = this.errors;
    await this.context?.close();
    this.context = undefined;
    this.page = undefined;
    return errors;
  }
}

export interface PageOptions {
  /** Opens a phone page at this address (relative to nothing: the full URL) before each test. */
  home?: () => string;
  /** The errors a test expects of the page (dropped before the check). */
  expected?: RegExp;
  /** The check's message. */
  message?: string;
}

/**
 * A page per test: a screenshot when a test fails, then after each test the context closed and
 * no error in the page (or only `expected` ones).
 */
export function usePage(browser: () => Browser, options: PageOptions = {}): PageSlot {
  const slot = new PageSlot(browser);
  if (options.home) {
    const home = options.home;
    beforeEach(async () => {
      const page = await slot.open(PHONE);
      await page.goto(home());
      await page.locator('body[data-ready="true"]').waitFor();
    });
  }
  screenshotOnFailure(() => slot.page);
  afterEach(async () => {
    const errors = (await slot.close()).filter((e) => !options.expected?.test(e));
    expect(errors, options.message ?? 'errors in the page').to.deep.equal([]);
  });
  return slot;
}

/** One page for the whole suite (its tests build on each other and check the page's errors themselves). */
export function useSuitePage(browser: () => Browser, viewport: Viewport = PHONE): PageSlot {
  const slot = new PageSlot(browser);
  before(async () => {
    await slot.open(viewport);
  });
  after(async () => {
    await slot.close();
  });
  screenshotOnFailure(() => slot.page);
  return slot;
}
