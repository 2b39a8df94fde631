// A refund the gateway refuses, in a real browser, once per PG (DESIGN §6 "Refund outcomes"): the
// member buys monthly, the PG's sandbox forgets its payments (as it does when `npm start` restarts
// without its state file), and "지금 해지하고 환불받기" must show the refusal with the membership
// still active, never "환불되었습니다".
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotPath } from '../support/browser';
import { type E2eGateway } from './e2e-app';
import { useApp, useBrowser, usePage } from './page-harness';

const MODAL: Record<E2eGateway, string> = { iamport: '[data-test="imp-modal"]', toss: '[data-test="toss-modal"]', portone: '[data-test="portone-modal"]' };

const browser = useBrowser();

for (const gateway of ['iamport', 'toss', 'portone'] as const) {
  describe(`a refused refund in the browser through ${gateway} (e2e)`, function () {
    this.timeout(30_000);
    const app = useApp(gateway);
    // The cancel's 502 gateway_rejected is the answer under test, which the page handles; anything else is an error.
    const slot = usePage(browser, { home: () => `${app().url}/`, expected: /^console: Failed to load resource: the server responded with a status of 502 / });
    const current = (): Page => slot.current();
    const finalMessage = () => current().locator('#message:not([hidden])[data-kind="success"], #message:not([hidden])[data-kind="error"]');
    async function apiGet(path: string): Promise<any> {
      const res = await current().request.get(`${app().url}${path}`);
      return res.json();
    }

    it('shows the refusal and keeps the membership active; the refund is listed as refused', async () => {
      const p = current();
      await p.fill('#signup-name', '김환불');
      await p.fill('#signup-email', `${gateway}.refund.${Date.now()}@example.com`);
      await p.fill('#signup-password', 'correct horse battery');
      await p.click('#signup-submit');
      await p.locator('#app[data-state="logged-in"]').waitFor();
      await p.click('.order[data-plan="monthly"]');
      const modal = p.locator(MODAL[gateway]);
      await modal.waitFor();
      await modal.locator('[data-card="success"]').click();
      await modal.locator('[data-action="pay"]').click();
      await finalMessage().waitFor({ timeout: 8_000 });
      expect(await finalMessage().getAttribute('data-outcome')).to.equal('paid');

      // The PG forgets every payment: its refusal is a definite no ("취소할 결제건이 존재하지 않습니다" at Iamport).
      const { portone, iamport, toss } = app();
      if (portone) portone.sandbox.reset();
      else (iamport ?? toss)!.reset();

      await p.click('#cancel-button');
      await p.click('#cancel-with-refund');
      await p.locator('#message:not([hidden])[data-outcome="refund_rejected"]').waitFor({ timeout: 15_000 });
      const message = await p.locator('#message').innerText();
      expect(message).to.contain('환불을 거절');
      expect(message).to.contain('해지되지 않았습니다');
      expect(message).not.to.contain('환불되었습니다');
      expect(message).not.to.contain('환불이 요청되었습니다');
      expect(await p.locator('#membership-status').getAttribute('data-status')).to.equal('active');
      expect(await p.locator('#refund-panel').isVisible(), 'the member can try again').to.equal(true);

      const me = await apiGet('/api/me');
      expect(me.payment_status).to.equal('on');
      expect(me.membership).to.include({ status: 'active', ended_at: null });
      const [payment] = (await apiGet('/api/payments')).payments;
      expect(payment).to.include({ status: 'paid', cancelled_amount: 0 });
      expect(payment.refunds.map((r: any) => [r.amount, r.status])).to.deep.equal([[9900, 'rejected']]);
      const row = p.locator('[data-test="payment-row"]').first();
      expect(await row.getAttribute('data-status')).to.equal('paid');
      expect(await row.locator('[data-test="payment-note"]').innerText()).to.contain('환불 거절 ₩9,900');

      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path: screenshotPath(`${gateway}-refund-refused-375`), fullPage: true });
    });
  });
}
