// A member buys again, in a real browser, once per PG (DESIGN §6 "Checkout answers the period it
// buys"): the page shows the period the checkout announced in an in-page dialog and opens the PG
// window only once the buyer confirms; the account then ends exactly where the checkout said.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotPath } from '../support/browser';
import { type E2eGateway } from './e2e-app';
import { useApp, useBrowser, usePage } from './page-harness';

const WINDOW: Record<E2eGateway, { modal: string; label: string }> = {
  iamport: { modal: '[data-test="imp-modal"]', label: 'Iamport' },
  toss: { modal: '[data-test="toss-modal"]', label: 'Toss Payments' },
  portone: { modal: '[data-test="portone-modal"]', label: 'PortOne V2' },
};

const browser = useBrowser();

for (const gateway of ['iamport', 'toss', 'portone'] as const) {
  describe(`a member buys again through ${WINDOW[gateway].label} (e2e)`, function () {
    this.timeout(30_000);
    const modalSelector = WINDOW[gateway].modal;
    let buyerCount = 0;

    const app = useApp(gateway);
    // A window.confirm lands in the page's errors too (browser.ts reports every native dialog as an error).
    const slot = usePage(browser, { home: () => `${app().url}/` });
    const current = (): Page => slot.current();

    async function signUp(): Promise<void> {
      const p = current();
      buyerCount += 1;
      await p.fill('#signup-name', '김구매');
      await p.fill('#signup-email', `${gateway}.again${buyerCount}.${Date.now()}@example.com`);
      await p.fill('#signup-password', 'correct horse battery');
      await p.click('#signup-submit');
      await p.locator('#app[data-state="logged-in"]').waitFor();
    }

    /** Presses a plan's order button and answers the checkout's own answer (what the page was told). */
    async function order(plan: string): Promise<any> {
      const p = current();
      const [response] = await Promise.all([
        p.waitForResponse((r) => new URL(r.url()).pathname === '/api/payment/checkout' && r.request().method() === 'POST'),
        p.click(`.order[data-plan="${plan}"]`),
      ]);
      expect(response.status()).to.equal(201);
      return response.json();
    }

    /** Pays in the PG window with the sandbox's approving card (Toss then redirects back to the page). */
    async function payInWindow(): Promise<void> {
      const modal = current().locator(modalSelector);
      await modal.waitFor();
      await modal.locator('[data-card="success"]').click();
      await modal.locator('[data-action="pay"]').click();
    }

    async function outcome(): Promise<string | null> {
      const final = current().locator('#message:not([hidden])[data-kind="success"], #message:not([hidden])[data-kind="error"]');
      await final.waitFor({ timeout: 8_000 });
      return final.getAttribute('data-outcome');
    }

    async function apiGet(path: string): Promise<any> {
      const res = await current().request.get(`${app().url}${path}`);
      return res.json();
    }

    async function buyMonthly(): Promise<any> {
      const first = await order('monthly');
      // Not a member yet: no confirmation, straight to the PG window.
      await payInWindow();
      expect(await outcome()).to.equal('paid');
      const { membership } = await apiGet('/api/me');
      // A first period starts at paid_at (DESIGN §6), moments after the checkout announced it "if paid now".
      expect(Math.abs(Date.parse(membership.current_period_end) - Date.parse(first.period_end))).to.be.below(60_000);
      return membership;
    }

    it('buys monthly, then annual: confirms the period the checkout announced, pays, and the account ends there', async () => {
      const p = current();
      await signUp();
      const monthly = await buyMonthly();

      const annual = await order('annual');
      const dialog = p.locator('#purchase-confirm');
      await dialog.waitFor({ state: 'visible' });
      expect(await p.locator(modalSelector).count(), 'no PG window before the buyer confirms').to.equal(0);
      // The year starts where the monthly period ends.
      expect(annual.period_start).to.equal(monthly.current_period_end);
      expect(await p.locator('#purchase-confirm-period').innerText()).to.equal(`${kst(annual.period_start)} ~ ${kst(annual.period_end)}`);
      expect(await p.locator('#purchase-confirm-amount').innerText()).to.equal('₩99,000');
      expect(await p.locator('#purchase-confirm-plan-change').innerText()).to.contain('연간');
      await p.screenshot({ path: screenshotPath(`${gateway}-second-purchase-confirm-375`) });

      await p.click('#purchase-confirm-accept');
      await payInWindow();
      expect(await outcome()).to.equal('paid');

      const { membership } = await apiGet('/api/me');
      expect(membership).to.include({ plan: 'annual', status: 'active', current_period_end: annual.period_end });
      await p.locator('#membership-period', { hasText: kst(annual.period_end) }).waitFor();
    });

    it('a cancelled confirmation opens no PG window, charges nothing and leaves the membership as it was', async () => {
      const p = current();
      await signUp();
      const monthly = await buyMonthly();
      const windowRequests: string[] = [];
      p.on('request', (req) => {
        if (new URL(req.url()).pathname.startsWith('/sandbox/') && req.resourceType() === 'document') windowRequests.push(req.url());
      });

      const annual = await order('annual');
      await p.locator('#purchase-confirm').waitFor({ state: 'visible' });
      await p.click('#purchase-confirm-cancel');

      await p.locator('#message[data-outcome="purchase_not_confirmed"]').waitFor();
      expect(await p.locator('#purchase-confirm').isVisible()).to.equal(false);
      expect(await p.locator(modalSelector).count()).to.equal(0);
      expect(windowRequests).to.deep.equal([]);
      const { payments } = await apiGet('/api/payments');
      expect(payments.find((x: any) => x.merchant_uid === annual.merchant_uid)).to.include({ status: 'failed', plan: 'annual' });
      const { membership } = await apiGet('/api/me');
      expect(membership).to.include({ plan: 'monthly', current_period_end: monthly.current_period_end });
    });
  });
}

function kst(iso: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} KST`;
}
