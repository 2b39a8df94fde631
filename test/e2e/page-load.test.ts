// What a visitor's browser sees on loading the page: no probing requests, no console noise, and a
// payments table that stays readable on a desktop.
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { DESKTOP, PHONE, screenshotOnFailure } from '../support/browser';
import { type E2eGateway } from './e2e-app';
import { useApp, useBrowser } from './page-harness';

const browser = useBrowser();

for (const gateway of ['iamport', 'toss'] as const satisfies readonly E2eGateway[]) {
  describe(`loading the page (${gateway} sandbox, e2e)`, function () {
    this.timeout(30_000);
    const app = useApp(gateway);
    let context: BrowserContext | undefined;
    let page: Page | undefined;
    let requests: string[];
    let consoleErrors: string[];

    beforeEach(async () => {
      context = await browser().newContext({ viewport: PHONE, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
      context.setDefaultTimeout(10_000);
      page = await context.newPage();
      requests = [];
      consoleErrors = [];
      page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
      // Every console error counts here, a 4xx resource load too.
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(String(error)));
    });
    afterEach(async () => {
      await context?.close();
      context = undefined;
      page = undefined;
    });
    screenshotOnFailure(() => page);

    it('a logged-out visitor: no 401 for /api/me, no probing HEAD of a sandbox SDK, no console error; the test clock shows (sandbox)', async () => {
      const p = page!;
      await p.goto(`${app().url}/`);
      await p.locator('body[data-ready="true"]').waitFor();
      expect(requests.filter((r) => r.startsWith('HEAD ')), 'HEAD requests').to.deep.equal([]);
      expect(requests, 'requests').not.to.include('GET /api/me');
      expect(consoleErrors, 'console errors').to.deep.equal([]);
      expect(await p.locator('#test-clock').isVisible(), 'the test clock panel').to.equal(true);
    });

    it('a logged-in member on a 1280 px desktop: each amount in the payments table stays on one line', async () => {
      const p = page!;
      await p.setViewportSize(DESKTOP);
      await p.goto(`${app().url}/`);
      await p.locator('body[data-ready="true"]').waitFor();
      // No named functions inside evaluate: the test's compiler would wrap them in a helper the page lacks.
      const created = await p.evaluate(async (email) => {
        const statuses = [];
        const bodies: Array<[string, unknown]> = [
          ['/api/auth/signup', { email, password: 'correct horse battery', name: '김넓은화면' }],
          ['/api/payment/checkout', { plan: 'annual' }],
          ['/api/payment/checkout', { plan: 'monthly' }],
        ];
        for (const [path, body] of bodies) {
          statuses.push((await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status);
        }
        return statuses;
      }, `wide.${Date.now()}@example.com`);
      expect(created).to.deep.equal([201, 201, 201]);
      await p.reload();
      await p.locator('body[data-ready="true"]').waitFor();
      await p.locator('[data-test="payment-amount"]').first().waitFor();
      const lines = await p.locator('[data-test="payment-amount"]').evaluateAll((cells) => cells.map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = [...range.getClientRects()].map((r) => Math.round(r.top));
        return { text: cell.textContent, lines: new Set(tops).size };
      }));
      expect(lines).to.have.length(2);
      for (const cell of lines) expect(cell.lines, `lines of ${cell.text}`).to.equal(1);
      expect(requests, 'requests after logging in').to.include('GET /api/me');
      expect(consoleErrors, 'console errors').to.deep.equal([]);
    });
  });
}
