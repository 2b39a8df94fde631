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

  async function outcome(): Promise<string | null> {
    const message = current().locator('#message');
    await current().waitForFunction(() => {
      const box = document.getElementById('message');
      return box && !box.hidden && ['success', 'error'].includes(box.dataset.kind ?? '');
    });
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

  it('shows a declined card as a card failure and records the payment failed', async () => {
    const p = current();
    await signUp();
    await buyWith('monthly', 'declined');

    expect(await outcome()).to.equal('card_declined');
    expect(await p.locator('#message').innerText()).to.contain('거절');
    const row = p.locator('[data-test="payment-row"]').first();
    expect(await row.getAttribute('data-status')).to.equal('failed');
    const { body } = await apiGet('/api/payments');
    expect(body.payments[0]).to.include({ status: 'failed', failure_code: 'card_declined' });
    expect(await p.locator('#no-membership').isVisible()).to.equal(true);
  });

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
});

function kst(iso: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} KST`;
}
