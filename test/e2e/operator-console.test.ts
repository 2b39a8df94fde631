// The operator console in a real browser: log in with ADMIN_TOKEN by keyboard, find a payment,
// refund part of it, see the refund on the overview, replay a webhook; screenshots at 1280 and 375 px.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/http-app';
import { SandboxGatewayDriver } from '../support/gateway-drivers';
import { DESKTOP, PHONE, screenshotPath } from '../support/browser';
import { E2E_ADMIN_TOKEN, SANDBOX_PREFIX } from './e2e-app';
import { useApp, useBrowser, usePage } from './page-harness';

/** Presses Tab until `selector` has the focus (at most `limit` times); fails if it never does. */
async function tabTo(page: Page, selector: string, limit = 30): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function logInByKeyboard(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.locator('#login').waitFor();
  // Start from the top of the page, as a keyboard user arriving does.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, '#token');
  await page.keyboard.type(E2E_ADMIN_TOKEN);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).to.equal('operator-name');
  await page.keyboard.type('e2e-operator');
  await page.keyboard.press('Enter');
  await page.locator('[data-test="today-revenue"]').waitFor();
}

describe('operator console in the browser (e2e)', function () {
  this.timeout(90_000);
  let merchantUid: string;
  let amount: number;
  const browser = useBrowser();
  const app = useApp('iamport', {
    timeout: 60_000,
    prepare: async (started) => {
      // A member who paid through the Iamport sandbox; the sandbox's notice arrives as a webhook receipt.
      const buyer = new ApiClient(started.url);
      await buyer.signUp();
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      expect(checkout.status, checkout.text).to.equal(201);
      merchantUid = checkout.body.merchant_uid;
      amount = checkout.body.amount;
      const gatewayPaymentId = await new SandboxGatewayDriver(`${started.url}${SANDBOX_PREFIX}`, checkout.body.imp_code).buyerPays({ merchantUid, amount });
      expect((await buyer.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid })).status).to.equal(200);
    },
  });
  const slot = usePage(browser, { message: 'page errors or CSP violations' });

  it('logs in by keyboard, finds a payment, refunds part of it, sees it on the overview, replays a webhook (1280 px)', async () => {
    const page = await slot.open(DESKTOP);
    await logInByKeyboard(page, app().url);
    await page.screenshot({ path: screenshotPath('admin-console-login-done-1280'), fullPage: false });

    // Sections by keyboard: the nav link, Enter, and the focus lands on the section's heading.
    await tabTo(page, '#nav a[data-section="payments"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'payments-title');
    expect(await page.locator('#nav a[data-section="payments"]').getAttribute('aria-current')).to.equal('page');

    await page.locator('#payment-search input[name="q"]').fill(merchantUid);
    await page.locator('#payment-search input[name="q"]').press('Enter');
    const link = page.locator('#payments-table a', { hasText: merchantUid });
    await link.waitFor();
    expect(await page.locator('#payments-table tbody tr').count()).to.equal(1);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'payment-title');

    expect(await page.locator('[data-test="refund-quote"]').textContent()).to.include(`Refundable now: ${amount.toLocaleString('en-US')} KRW`);
    await page.locator('#refund-amount').fill('3000');
    await page.locator('#refund-reason').fill('e2e partial refund');
    await page.locator('#refund-form button[type="submit"]').click();
    await page.locator('#flash', { hasText: 'Refund of 3,000 KRW confirmed by the gateway' }).waitFor();
    await page.locator('#refunds-table tbody tr', { hasText: 'refunded' }).waitFor();
    await page.screenshot({ path: screenshotPath('admin-console-payment-1280'), fullPage: true });

    await tabTo(page, '#nav a[data-section="overview"]', 60);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'overview-title');
    await page.locator('[data-test="today-refunds"]', { hasText: '3,000 KRW' }).waitFor();
    await page.locator('[data-test="today-net"]', { hasText: `${(amount - 3000).toLocaleString('en-US')} KRW` }).waitFor();
    // Each chart: a labelled image for screen readers and the same numbers in a table.
    const charts = page.locator('.chart [role="img"]');
    expect(await charts.count()).to.equal(4);
    expect(await charts.first().getAttribute('aria-label')).to.match(/Daily revenue and refunds/);
    expect(await page.locator('#chart-money .visually-hidden table tbody tr').count()).to.equal(30);
    expect(await page.locator('#chart-money canvas').count()).to.be.greaterThan(0);
    await page.screenshot({ path: screenshotPath('admin-console-overview-1280'), fullPage: true });

    await page.locator('#nav a[data-section="webhooks"]').click();
    const replay = page.locator('#receipts-table button', { hasText: 'Replay' }).first();
    await replay.waitFor();
    await replay.click();
    await page.locator('#flash', { hasText: 'Replayed: applied' }).waitFor();
    await page.screenshot({ path: screenshotPath('admin-console-webhooks-1280'), fullPage: true });

    await page.locator('#nav a[data-section="audit"]').click();
    await page.locator('#audit-table tbody tr', { hasText: 'console:e2e-operator' }).first().waitFor();
  });

  it('fits a 375 px phone: no sideways scrolling of the page, same sections', async () => {
    const page = await slot.open(PHONE);
    await logInByKeyboard(page, app().url);
    await page.locator('[data-test="today-refunds"]', { hasText: '3,000 KRW' }).waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).to.be.at.most(0);
    await page.screenshot({ path: screenshotPath('admin-console-overview-375'), fullPage: true });
    await page.goto(`${app().url}/admin#payment/${merchantUid}`);
    await page.locator('#refunds-table tbody tr', { hasText: 'refunded' }).waitFor();
    expect(await overflow()).to.be.at.most(0);
    await page.screenshot({ path: screenshotPath('admin-console-payment-375'), fullPage: true });
    await page.locator('#nav a[data-section="webhooks"]').click();
    await page.locator('#receipts-table button', { hasText: 'Replay' }).first().waitFor();
    expect(await overflow()).to.be.at.most(0);
    await page.screenshot({ path: screenshotPath('admin-console-webhooks-375'), fullPage: true });
    await page.locator('#logout').click();
    await page.locator('#login').waitFor();
  });
});
