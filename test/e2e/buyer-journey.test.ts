// The buyer's journey in a real browser: the page served by the app, the API, and the
// Iamport sandbox's PG window, on one ephemeral port.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, launchBrowser, newPage, PHONE, screenshotOnFailure, screenshotPath } from '../support/browser';
import { startE2eApp, type RunningApp } from './e2e-app';

type Card = 'success' | 'declined' | 'limit' | 'insufficient';

describe('buyer journey in the browser (e2e)', function () {
  this.timeout(30_000);
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  let buyerCount = 0;

  before(async function () {
    this.timeout(60_000);
    [app, browser] = await Promise.all([startE2eApp(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    ({ context, page, errors } = await newPage(browser, PHONE));
    await page.goto(`${app.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
  });

  screenshotOnFailure(() => page);

  afterEach(async () => {
    const pageErrors = errors;
    await context?.close();
    context = undefined;
    page = undefined;
    expect(pageErrors, 'errors in the page').to.deep.equal([]);
  });

  const current = (): Page => {
    if (!page) throw new Error('no page');
    return page;
  };

  async function signUp(): Promise<string> {
    const p = current();
    buyerCount += 1;
    const email = `buyer${buyerCount}.${Date.now()}@example.com`;
    await p.fill('#signup-name', '김구매');
    await p.fill('#signup-email', email);
    await p.fill('#signup-password', 'correct horse battery');
    await p.click('#signup-submit');
    await p.locator('#app[data-state="logged-in"]').waitFor();
    return email;
  }

  /** Presses the plan's order button and drives the sandbox PG window with a card. */
  async function buyWith(plan: string, card: Card, action: 'pay' | 'cancel' = 'pay') {
    const p = current();
    await p.click(`.order[data-plan="${plan}"]`);
    const modal = p.locator('[data-test="imp-modal"]');
    await modal.waitFor();
    await modal.locator(`[data-card="${card}"]`).click();
    await modal.locator(`[data-action="${action}"]`).click();
  }

  /** Waits for the page's final word (success or error, not a pending one) and answers its data-outcome. */
  async function outcome(timeout = 5_000): Promise<string | null> {
    const message = current().locator('#message');
    await current().waitForFunction(() => {
      const box = document.getElementById('message');
      return box && !box.hidden && ['success', 'error'].includes(box.dataset.kind ?? '');
    }, undefined, { timeout });
    return message.getAttribute('data-outcome');
  }

  async function apiGet(path: string): Promise<any> {
    // page.request shares the browser context's cookies: the API as the logged-in buyer sees it.
    const res = await current().request.get(`${app.url}${path}`);
    return { status: res.status(), body: await res.json().catch(() => null) };
  }

  it('asks a logged-out visitor to log in and creates no payment', async () => {
    const p = current();
    const apiCalls: string[] = [];
    p.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/api/payment')) apiCalls.push(req.url());
    });
    await p.click('.order[data-plan="monthly"]');

    await expect(await outcome()).to.equal('login_required');
    expect(await p.locator('#message').innerText()).to.contain('로그인');
    expect(await p.locator('[data-test="imp-modal"]').count()).to.equal(0);
    expect(apiCalls).to.deep.equal([]);

    await signUp();
    const { body } = await apiGet('/api/payments');
    expect(body.payments).to.deep.equal([]);
  });

  it('signs up, buys the monthly plan with the success card and shows the active membership in KST', async () => {
    const p = current();
    await signUp();
    expect(await p.locator('#no-membership').isVisible()).to.equal(true);

    await buyWith('monthly', 'success');

    expect(await outcome()).to.equal('paid');
    expect(await p.locator('#membership-status').getAttribute('data-status')).to.equal('active');
    const me = (await apiGet('/api/me')).body;
    expect(me.membership.status).to.equal('active');
    const period = await p.locator('#membership-period').innerText();
    expect(period).to.equal(`${kst(me.membership.current_period_start)} ~ ${kst(me.membership.current_period_end)}`);
    expect(period).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} KST ~ \d{4}-\d{2}-\d{2} \d{2}:\d{2} KST$/);

    const row = p.locator('[data-test="payment-row"]').first();
    expect(await row.getAttribute('data-status')).to.equal('paid');
    expect(await row.locator('[data-test="payment-amount"]').innerText()).to.equal('₩9,900');
    const { body } = await apiGet('/api/payments');
    expect(body.payments.map((x: any) => x.status)).to.deep.equal(['paid']);

    await p.evaluate(() => window.scrollTo(0, 0));
    await p.screenshot({ path: screenshotPath('account-active-375'), fullPage: true });
    await p.setViewportSize(DESKTOP);
    await p.screenshot({ path: screenshotPath('account-active-desktop'), fullPage: true });
  });

  for (const card of ['declined', 'limit', 'insufficient'] as const) {
    it(`shows the ${card} card as a card failure and records the payment failed`, async () => {
      const p = current();
      await signUp();
      await buyWith('monthly', card);

      expect(await outcome()).to.equal('card_declined');
      expect(await p.locator('#message').innerText()).to.contain('거절');
      expect(await p.locator('[data-test="message-detail"]').innerText()).to.match(/F200\d/);
      const row = p.locator('[data-test="payment-row"]').first();
      expect(await row.getAttribute('data-status')).to.equal('failed');
      const { body } = await apiGet('/api/payments');
      expect(body.payments[0]).to.include({ status: 'failed', failure_code: 'card_declined' });
      expect(await p.locator('#no-membership').isVisible()).to.equal(true);
    });
  }

  it('says the window was closed when the buyer closes the PG window', async () => {
    const p = current();
    await signUp();
    await p.click('.order[data-plan="monthly"]');
    await p.locator('[data-test="imp-modal"] [data-action="close"]').click();

    expect(await outcome()).to.equal('window_closed');
    expect(await p.locator('#message').innerText()).to.contain('결제창');
    const { body } = await apiGet('/api/payments');
    expect(body.payments[0]).to.include({ failure_code: 'window_closed' });
    expect(await p.locator('[data-test="imp-modal"]').count()).to.equal(0);
  });

  it('says the buyer cancelled when cancel is pressed after choosing a card', async () => {
    const p = current();
    await signUp();
    await buyWith('monthly', 'success', 'cancel');

    expect(await outcome()).to.equal('user_cancelled');
    expect(await p.locator('#message').innerText()).to.contain('취소');
    const { body } = await apiGet('/api/payments');
    expect(body.payments[0]).to.include({ status: 'failed', failure_code: 'user_cancelled' });
  });

  it('buys with auto-renew, turns it off, quotes the refund and cancels with a refund', async () => {
    const p = current();
    await signUp();
    await p.check('#auto-renew');
    await buyWith('monthly', 'success');
    expect(await outcome()).to.equal('paid');

    expect(await p.locator('#membership-auto-renew').isChecked()).to.equal(true);
    expect(await p.locator('#membership-next-charge').innerText()).to.contain('자동 결제');
    await p.locator('#membership-auto-renew').uncheck();
    await p.locator('#auto-renew-result', { hasText: '껐습니다' }).waitFor();
    await p.locator('#membership-next-charge', { hasText: '자동 갱신 안 함' }).waitFor();
    expect((await apiGet('/api/me')).body.membership.auto_renew).to.equal(false);

    await p.click('#refund-quote-button');
    await p.locator('#refund-quote[data-refundable]').waitFor();
    expect(await p.locator('#refund-quote').getAttribute('data-refundable')).to.equal('9900');
    expect(await p.locator('#refund-quote').innerText()).to.contain('₩9,900');

    await p.click('#cancel-button');
    await p.click('#cancel-with-refund');
    expect(await outcome()).to.equal('cancelled');
    const me = (await apiGet('/api/me')).body;
    expect(me.payment_status).to.equal('off');
    const { body } = await apiGet('/api/payments');
    expect(body.payments[0]).to.include({ status: 'cancelled', cancelled_amount: 9900 });
    expect(await p.locator('[data-test="payment-row"]').first().getAttribute('data-status')).to.equal('cancelled');
  });

  it('says the payment is being confirmed when the gateway cannot answer, then shows it paid', async () => {
    const p = current();
    await signUp();
    await p.click('.order[data-plan="monthly"]');
    const modal = p.locator('[data-test="imp-modal"]');
    await modal.locator('[data-card="success"]').click();
    // The PG window still works (it is not the REST API), but every REST call answers 500.
    app.sandbox.setFaults({ errorRate: 1 });
    await modal.locator('[data-action="pay"]').click();

    await p.locator('#message[data-outcome="pending"]').waitFor();
    expect(await p.locator('#message').innerText()).to.contain('확인');
    const merchantUid = await p.locator('[data-test="payment-row"][data-status="await"]').first().getAttribute('data-merchant-uid');
    expect(merchantUid).to.be.a('string');

    // The gateway is back and Iamport delivers its notice again; the page's polling picks the result up.
    app.sandbox.setFaults({ errorRate: 0 });
    const paid = [...app.sandbox.state.payments.values()].map((r) => r.payment).find((x) => x.merchant_uid === merchantUid);
    const notice = await fetch(`${app.url}/api/payment/webhook`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ imp_uid: paid?.imp_uid, merchant_uid: merchantUid, status: 'paid' }),
    });
    expect(notice.status).to.equal(200);
    expect(await outcome(12_000)).to.equal('paid');
    expect(await p.locator('#membership-status').getAttribute('data-status')).to.equal('active');
  });
});

function kst(iso: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} KST`;
}
