// The member page in the buyer's language: Korean first, English with ?lang=en or an English
// browser (DESIGN §6 "Operations"). Every visible text comes from src/web/i18n.js; plan names and
// refund rules come from the API, which the page asks in its own language.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { PHONE, screenshotPath } from '../support/browser';
import { type E2eGateway } from './e2e-app';
import { useApp, useBrowser, usePage } from './page-harness';

const HANGUL = /[\uAC00-\uD7A3]/;
const MODAL: Record<Exclude<E2eGateway, 'portone'>, string> = { iamport: '[data-test="imp-modal"]', toss: '[data-test="toss-modal"]' };

const browser = useBrowser();

for (const gateway of ['iamport', 'toss'] as const) {
  describe(`the page's language (${gateway} sandbox, e2e)`, function () {
    this.timeout(30_000);
    const app = useApp(gateway);
    let buyers = 0;
    const slot = usePage(browser);

    /** A fresh context in `locale` (its navigator.languages and Accept-Language) on the page at `query`. */
    async function open(query: string, locale = 'ko-KR'): Promise<Page> {
      let page = await slot.open(PHONE);
      if (locale !== 'ko-KR') {
        await slot.close();
        const context = await browser().newContext({ viewport: PHONE, locale, timezoneId: 'Asia/Seoul' });
        context.setDefaultTimeout(5_000);
        page = await context.newPage();
        const collected: string[] = [];
        page.on('pageerror', (error) => collected.push(String(error)));
        slot.context = context;
        slot.page = page;
        slot.errors = collected;
      }
      await page.goto(`${app().url}/${query}`);
      await page.locator('body[data-ready="true"]').waitFor();
      return page;
    }

    async function signUp(p: Page): Promise<void> {
      buyers += 1;
      await p.fill('#signup-name', 'Jane Buyer');
      await p.fill('#signup-email', `${gateway}.lang${buyers}.${Date.now()}@example.com`);
      await p.fill('#signup-password', 'correct horse battery');
      await p.click('#signup-submit');
      await p.locator('#app[data-state="logged-in"]').waitFor();
    }

    async function buyMonthly(p: Page, card: 'success' | 'declined'): Promise<string | null> {
      await p.click('.order[data-plan="monthly"]');
      const modal = p.locator(MODAL[gateway]);
      await modal.waitFor();
      await modal.locator(`[data-card="${card}"]`).click();
      await modal.locator('[data-action="pay"]').click();
      const final = p.locator('#message:not([hidden])[data-kind="success"], #message:not([hidden])[data-kind="error"]');
      await final.waitFor({ timeout: 8_000 });
      return final.getAttribute('data-outcome');
    }

    it('?lang=en: English headings, buttons and plan names, <html lang="en">, no Hangul on the logged-out page', async () => {
      const p = await open('?lang=en');
      expect(await p.locator('html').getAttribute('lang')).to.equal('en');
      expect(await p.title()).to.equal('memberpay · Membership');
      expect(await p.locator('#plans-title').innerText()).to.equal('Membership plans');
      expect(await p.locator('#login-form h2').innerText()).to.equal('Log in');
      expect(await p.locator('#signup-submit').innerText()).to.equal('Sign up');
      expect(await p.locator('[data-test="plan-name"]').allInnerTexts()).to.deep.equal(['Monthly membership', 'Annual membership']);
      expect(await p.locator('.order').first().innerText()).to.equal('Buy');
      expect(await p.locator('#test-clock summary').innerText()).to.equal('Test clock (sandbox)');
      expect(await p.locator('#auth-section').getAttribute('aria-label')).to.equal('Log in and sign up');
      const text = await p.locator('body').innerText();
      expect(text.match(new RegExp(HANGUL.source, 'g')), text).to.equal(null);
      // A message after an action.
      await p.click('.order[data-plan="monthly"]');
      await p.locator('#message[data-outcome="login_required"]').waitFor();
      expect(await p.locator('#message').innerText()).to.equal('Please log in or sign up first.');
      if (gateway === 'iamport') await p.screenshot({ path: screenshotPath('page-en-375'), fullPage: true });
    });

    it('?lang=en: a purchase, its account section and refund quote in English without Hangul; a declined card in English; the language survives the PG\'s return', async () => {
      const p = await open('?lang=en');
      await signUp(p);
      expect(await p.locator('#message').innerText()).to.equal('You are signed up. You can buy a plan now.');
      expect(await buyMonthly(p, 'success')).to.equal('paid');
      // Toss navigated away and back: still English, and the address keeps ?lang=en.
      expect(new URL(p.url()).searchParams.get('lang')).to.equal('en');
      expect(await p.locator('#message').innerText()).to.equal('Payment complete. Your membership is active.');
      await p.locator('[data-test="payment-row"][data-status="paid"]').waitFor();
      expect(await p.locator('#membership-plan').innerText()).to.equal('Monthly membership');
      expect(await p.locator('#membership-status').innerText()).to.equal('Active');
      expect(await p.locator('[data-test="payment-status"]').innerText()).to.equal('Paid');
      await p.click('#refund-quote-button');
      await p.locator('#refund-quote[data-refundable="9900"]').waitFor();
      expect(await p.locator('#refund-quote').innerText()).to.contain('Cancelling now refunds ₩9,900.').and.contain('Withdrawal period (within 7 days of payment)');
      await p.click('#cancel-button');
      expect(await p.locator('#cancel-with-refund').innerText()).to.equal('Cancel now with a refund');
      const account = await p.locator('#account-section').innerText();
      expect(account.match(new RegExp(HANGUL.source, 'g')), account).to.equal(null);
      expect(await p.locator('#session-user').innerText()).to.equal('Jane Buyer');

      // A declined card on a second purchase (confirmed in the English dialog).
      await p.click('#cancel-abort');
      await p.click('.order[data-plan="monthly"]');
      await p.locator('#purchase-confirm').waitFor({ state: 'visible' });
      expect(await p.locator('#purchase-confirm-title').innerText()).to.equal('Please confirm the period');
      expect(await p.locator('#purchase-confirm-accept').innerText()).to.equal('Confirm and pay');
      await p.click('#purchase-confirm-accept');
      const modal = p.locator(MODAL[gateway]);
      await modal.waitFor();
      await modal.locator('[data-card="declined"]').click();
      await modal.locator('[data-action="pay"]').click();
      await p.locator('#message[data-outcome="card_declined"]').waitFor({ timeout: 8_000 });
      expect(await p.locator('#message strong').innerText()).to.equal('Your card was declined (refused, over its limit or insufficient funds). Please try another card.');
      // The PG's own words stay the PG's (Korean at a Korean PG), under an English label.
      expect(await p.locator('[data-test="message-detail"]').innerText()).to.match(/^Payment provider says: /);
      expect(await p.locator('[data-test="payment-row"][data-status="failed"] [data-test="payment-status"]').innerText()).to.equal('Failed');
    });

    it('an English browser (locale en-US) without ?lang gets English; ?lang=ko forces Korean', async () => {
      const p = await open('', 'en-US');
      expect(await p.locator('html').getAttribute('lang')).to.equal('en');
      expect(await p.locator('#plans-title').innerText()).to.equal('Membership plans');
      expect(await p.locator('[data-test="plan-name"]').first().innerText()).to.equal('Monthly membership');
      await p.goto(`${app().url}/?lang=ko`);
      await p.locator('body[data-ready="true"]').waitFor();
      expect(await p.locator('html').getAttribute('lang')).to.equal('ko');
      expect(await p.locator('#plans-title').innerText()).to.equal('멤버십 플랜');
      expect(await p.locator('[data-test="plan-name"]').first().innerText()).to.equal('월간 멤버십');
    });

    for (const query of ['', '?lang=xx']) {
      it(`a Korean browser (ko-KR) at /${query} gets Korean`, async () => {
        const p = await open(query);
        expect(await p.locator('html').getAttribute('lang')).to.equal('ko');
        expect(await p.title()).to.equal('memberpay · 멤버십');
        expect(await p.locator('#plans-title').innerText()).to.equal('멤버십 플랜');
        expect(await p.locator('#login-submit').innerText()).to.equal('로그인');
        expect(await p.locator('[data-test="plan-name"]').allInnerTexts()).to.deep.equal(['월간 멤버십', '연간 멤버십']);
        expect(await p.locator('.order').first().innerText()).to.equal('구매하기');
        expect(await p.locator('footer').innerText()).to.contain('한국 표준시');
      });
    }
  });
}
