// The buyer's journey in a real browser, once per PG: the page served by the app, the API, and
// the PG sandbox's window (Iamport's IMP.request_pay modal, or Toss's window with its redirect
// back to the page), on one ephemeral port. Then the sandbox's test-clock panel.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { MembershipRepository } from '../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../src/membership/membership.tokens';
import { parseBillingHandle } from '../../src/payment/infrastructure/toss/toss-billing-handle';
import { DESKTOP, screenshotPath } from '../support/browser';
import { E2E_ADMIN_TOKEN, type E2eGateway } from './e2e-app';
import { useApp, useBrowser, usePage } from './page-harness';

type Card = 'success' | 'declined' | 'limit' | 'insufficient';

/** What differs between the PGs' windows, as a buyer sees them. */
const WINDOW: Record<E2eGateway, { modal: string; label: string }> = {
  iamport: { modal: '[data-test="imp-modal"]', label: 'Iamport' },
  toss: { modal: '[data-test="toss-modal"]', label: 'Toss Payments' },
  portone: { modal: '[data-test="portone-modal"]', label: 'PortOne V2' },
};

const browser = useBrowser();

for (const gateway of ['iamport', 'toss', 'portone'] as const) {
  describe(`buyer journey in the browser through ${WINDOW[gateway].label} (e2e)`, function () {
    this.timeout(30_000);
    const modalSelector = WINDOW[gateway].modal;
    let buyerCount = 0;

    const app = useApp(gateway);
    const slot = usePage(browser, { home: () => `${app().url}/` });
    const current = (): Page => slot.current();

    async function signUp(): Promise<string> {
      const p = current();
      buyerCount += 1;
      const email = `${gateway}.buyer${buyerCount}.${Date.now()}@example.com`;
      await p.fill('#signup-name', '김구매');
      await p.fill('#signup-email', email);
      await p.fill('#signup-password', 'correct horse battery');
      await p.click('#signup-submit');
      await p.locator('#app[data-state="logged-in"]').waitFor();
      return email;
    }

    /** Presses the plan's order button and drives the PG window with a card (Toss then redirects back to the page). */
    async function buyWith(plan: string, card: Card, action: 'pay' | 'cancel' = 'pay') {
      const p = current();
      await p.click(`.order[data-plan="${plan}"]`);
      const modal = p.locator(modalSelector);
      await modal.waitFor();
      await modal.locator(`[data-card="${card}"]`).click();
      await modal.locator(`[data-action="${action}"]`).click();
    }

    /**
     * Waits for the page's final word (success or error, not a pending one) and answers its data-outcome.
     * A locator, not a function in the page: it survives Toss's redirect back to the page.
     */
    async function outcome(timeout = 8_000): Promise<string | null> {
      const final = current().locator('#message:not([hidden])[data-kind="success"], #message:not([hidden])[data-kind="error"]');
      await final.waitFor({ timeout });
      return final.getAttribute('data-outcome');
    }

    async function apiGet(path: string): Promise<any> {
      // page.request shares the browser context's cookies: the API as the logged-in buyer sees it.
      const res = await current().request.get(`${app().url}${path}`);
      return { status: res.status(), body: await res.json().catch(() => null) };
    }

    async function membershipRecord() {
      const me = (await apiGet('/api/me')).body;
      return app().container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository).findLatestByUserId(me.user.id);
    }

    it('asks a logged-out visitor to log in and creates no payment', async () => {
      const p = current();
      const apiCalls: string[] = [];
      p.on('request', (req) => {
        if (new URL(req.url()).pathname.startsWith('/api/payment')) apiCalls.push(req.url());
      });
      await p.click('.order[data-plan="monthly"]');

      expect(await outcome()).to.equal('login_required');
      expect(await p.locator('#message').innerText()).to.contain('로그인');
      expect(await p.locator(modalSelector).count()).to.equal(0);
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
      if (gateway === 'toss') {
        // Toss's redirect came back to the page and the page cleaned its address.
        expect(new URL(p.url()).search).to.equal('');
        const [record] = [...app().toss!.store.payments.values()].filter((r) => r.payment.orderId === body.payments[0].merchant_uid);
        expect(record.payment).to.include({ status: 'DONE', totalAmount: 9900 });
      }

      const name = gateway === 'toss' ? 'toss-account-active' : 'account-active';
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path: screenshotPath(`${name}-375`), fullPage: true });
      await p.setViewportSize(DESKTOP);
      await p.screenshot({ path: screenshotPath(`${name}-desktop`), fullPage: true });
    });

    const declining: Card[] = gateway === 'toss' ? ['declined', 'insufficient'] : ['declined', 'limit', 'insufficient'];
    for (const card of declining) {
      it(`shows the ${card} card as a card failure and records the payment failed`, async () => {
        const p = current();
        await signUp();
        await buyWith('monthly', card);

        expect(await outcome()).to.equal('card_declined');
        expect(await p.locator('#message').innerText()).to.contain('거절');
        // Iamport answers its F200x codes in the window; Toss refuses at the server's confirm with its message.
        expect(await p.locator('[data-test="message-detail"]').innerText()).to.match(gateway === 'iamport' ? /F200\d/ : /결제사 메시지: \S+/);
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
      await p.locator(`${modalSelector} [data-action="close"]`).click();

      expect(await outcome()).to.equal('window_closed');
      expect(await p.locator('#message').innerText()).to.contain('결제창');
      const { body } = await apiGet('/api/payments');
      expect(body.payments[0]).to.include({ status: 'failed', failure_code: 'window_closed' });
      expect(await p.locator(modalSelector).count()).to.equal(0);
    });

    it('says the buyer cancelled when cancel is pressed after choosing a card', async () => {
      const p = current();
      await signUp();
      await buyWith('monthly', 'success', 'cancel');

      expect(await outcome()).to.equal('user_cancelled');
      expect(await p.locator('#message').innerText()).to.contain('취소');
      const { body } = await apiGet('/api/payments');
      // Iamport and PortOne V2 keep a cancelled record the server confirms; Toss keeps none (its fail redirect
      // has no paymentKey), so the server can only record a report without one: window_closed (DESIGN §6).
      expect(body.payments[0]).to.include({ status: 'failed', failure_code: gateway === 'toss' ? 'window_closed' : 'user_cancelled' });
    });

    it('buys with auto-renew (a billing key), turns it off and on again, removes the card and quotes the refund', async () => {
      const p = current();
      await signUp();
      await p.check('#auto-renew');
      if (gateway === 'toss') {
        // Toss: requestBillingAuth registers the card; the server issues the billing key and charges period 1.
        await p.click('.order[data-plan="monthly"]');
        await p.locator(`${modalSelector}[data-flow="billing"]`).waitFor();
        await p.locator(`${modalSelector} [data-card="success"]`).click();
        await p.locator(`${modalSelector} [data-action="pay"]`).click();
      } else {
        await buyWith('monthly', 'success');
      }
      expect(await outcome()).to.equal('paid');

      expect(await p.locator('#membership-auto-renew').isChecked()).to.equal(true);
      expect(await p.locator('#membership-next-charge').innerText()).to.contain('자동 결제');
      const record = await membershipRecord();
      expect(record?.autoRenew).to.equal(true);
      if (gateway === 'toss') {
        // The Toss handle `<customerKey>:<billingKey>`, and the billing key exists at the sandbox.
        const [customerKey, billingKey] = String(record?.billingKey).split(':');
        expect(customerKey).to.match(/^cu_/);
        expect(app().toss!.store.billingKeysOf(customerKey)).to.include(billingKey);
      } else if (gateway === 'portone') {
        // V2: the billing key requestIssueBillingKey issued for our customer id.
        const issued = app().portone!.sandbox.store.getBillingKey(String(record?.billingKey));
        expect(issued.ok && issued.value.customer?.id).to.match(/^cu_/);
      } else {
        expect(record?.billingKey).to.match(/^cu_/);
      }

      await p.locator('#membership-auto-renew').uncheck();
      await p.locator('#auto-renew-result', { hasText: '껐습니다' }).waitFor();
      await p.locator('#membership-next-charge', { hasText: '자동 갱신 안 함' }).waitFor();
      expect((await apiGet('/api/me')).body.membership.auto_renew).to.equal(false);
      // Off keeps the card: on again needs no new one.
      expect((await membershipRecord())?.billingKey).to.equal(record?.billingKey);
      await p.locator('#membership-auto-renew').check();
      await p.locator('#auto-renew-result', { hasText: '켰습니다' }).waitFor();
      expect((await apiGet('/api/me')).body.membership.auto_renew).to.equal(true);

      // 카드 삭제: auto-renew off and the card deleted at the PG's sandbox.
      await p.click('#remove-card');
      await p.locator('#auto-renew-result[data-outcome="card_removed"]').waitFor();
      await p.locator('#membership-next-charge', { hasText: '자동 갱신 안 함' }).waitFor();
      expect(await p.locator('#membership-auto-renew').isChecked()).to.equal(false);
      expect((await membershipRecord())?.billingKey).to.equal(null);
      if (gateway === 'toss') {
        const [customerKey] = String(record?.billingKey).split(':');
        expect(app().toss!.store.billingKeysOf(customerKey)).to.deep.equal([]);
      } else if (gateway === 'portone') {
        const deleted = app().portone!.sandbox.store.getBillingKey(String(record?.billingKey));
        expect(deleted.ok && deleted.value.status).to.equal('DELETED');
      } else {
        expect(app().iamport!.state.getCustomer(String(record?.billingKey)).ok).to.equal(false);
      }
      await p.click('#remove-card');
      await p.locator('#auto-renew-result[data-outcome="no_billing_key"]').waitFor();

      await p.click('#refund-quote-button');
      await p.locator('#refund-quote[data-refundable]').waitFor();
      expect(await p.locator('#refund-quote').getAttribute('data-refundable')).to.equal('9900');
      expect(await p.locator('#refund-quote').innerText()).to.contain('₩9,900');
    });

    it('buys, cancels with a refund: the refund is shown and the membership ends', async () => {
      const p = current();
      await signUp();
      await buyWith('monthly', 'success');
      expect(await outcome()).to.equal('paid');

      await p.click('#cancel-button');
      await p.click('#cancel-with-refund');
      expect(await outcome()).to.equal('cancelled');
      expect(await p.locator('#message').innerText()).to.contain('₩9,900 환불');
      const me = (await apiGet('/api/me')).body;
      expect(me.payment_status).to.equal('off');
      expect(await p.locator('#membership-status').getAttribute('data-status')).to.equal('cancelled');
      const { body } = await apiGet('/api/payments');
      expect(body.payments[0]).to.include({ status: 'cancelled', cancelled_amount: 9900 });
      const row = p.locator('[data-test="payment-row"]').first();
      expect(await row.getAttribute('data-status')).to.equal('cancelled');
      expect(await row.locator('[data-test="payment-note"]').innerText()).to.contain('환불 ₩9,900');
      if (gateway === 'toss') {
        const [record] = [...app().toss!.store.payments.values()].filter((r) => r.payment.orderId === body.payments[0].merchant_uid);
        expect(record.payment).to.include({ status: 'CANCELED', balanceAmount: 0 });
        expect(record.payment.cancels?.map((c) => c.cancelAmount)).to.deep.equal([9900]);
      }
    });

    if (gateway === 'iamport') {
      it('says the payment is being confirmed when the gateway cannot answer, then shows it paid', async () => {
        const p = current();
        const sandbox = app().iamport!;
        await signUp();
        await p.click('.order[data-plan="monthly"]');
        const modal = p.locator(modalSelector);
        await modal.locator('[data-card="success"]').click();
        // The PG window still works (it is not the REST API), but every REST call answers 500.
        sandbox.setFaults({ errorRate: 1 });
        await modal.locator('[data-action="pay"]').click();

        await p.locator('#message[data-outcome="pending"]').waitFor();
        expect(await p.locator('#message').innerText()).to.contain('확인');
        const merchantUid = await p.locator('[data-test="payment-row"][data-status="await"]').first().getAttribute('data-merchant-uid');
        expect(merchantUid).to.be.a('string');

        // The gateway is back and Iamport delivers its notice again; the page's polling picks the result up.
        sandbox.setFaults({ errorRate: 0 });
        const paid = [...sandbox.state.payments.values()].map((r) => r.payment).find((x) => x.merchant_uid === merchantUid);
        const notice = await fetch(`${app().url}/api/payment/webhook`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ imp_uid: paid?.imp_uid, merchant_uid: merchantUid, status: 'paid' }),
        });
        expect(notice.status).to.equal(200);
        expect(await outcome(12_000)).to.equal('paid');
        expect(await p.locator('#membership-status').getAttribute('data-status')).to.equal('active');
      });
    }

    // Last in the suite: it moves the app's clock (put back afterwards).
    describe('test-clock panel (sandbox)', () => {
      afterEach(async () => {
        await fetch(`${app().url}/api/admin/clock`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, body: '{"now":null}',
        });
      });

      /** Signs up and buys the monthly plan with auto-renew, paying with the sandbox's approving card. */
      async function buyMonthlyWithAutoRenew(): Promise<{ email: string; membership: any }> {
        const p = current();
        const email = await signUp();
        await p.check('#auto-renew');
        await p.click('.order[data-plan="monthly"]');
        await p.locator(`${modalSelector} [data-card="success"]`).click();
        await p.locator(`${modalSelector} [data-action="pay"]`).click();
        expect(await outcome()).to.equal('paid');
        return { email, membership: (await apiGet('/api/me')).body.membership };
      }

      /** Through the panel: the clock a month on (past the period end), then a renewal run. */
      async function moveAMonthAndRunRenewals(email: string, periodEnd: string) {
        const p = current();
        const panel = p.locator('#test-clock');
        expect(await panel.isVisible()).to.equal(true);
        await panel.locator('summary').click();
        await p.fill('#admin-token', E2E_ADMIN_TOKEN);
        await p.click('[data-clock-step="1m"]');
        await p.locator('#test-clock-result[data-outcome="clock"]').waitFor();
        const virtualNow = await p.locator('#clock-now').getAttribute('data-now');
        expect(new Date(String(virtualNow)).getTime()).to.be.greaterThan(new Date(periodEnd).getTime());
        expect(await p.evaluate(() => sessionStorage.getItem('memberpay.admin-token'))).to.equal(E2E_ADMIN_TOKEN);

        if (!(await p.locator('#app[data-state="logged-in"]').isVisible())) {
          // A month is past the 7-day session: the panel says so; log in again (the clock stays moved).
          expect(await p.locator('#test-clock-result').innerText()).to.contain('로그아웃');
          await p.fill('#login-email', email);
          await p.fill('#login-password', 'correct horse battery');
          await p.click('#login-submit');
          await p.locator('#app[data-state="logged-in"]').waitFor();
        }

        await p.click('#renewals-run');
        await p.locator('#test-clock-result[data-outcome="renewals"]').waitFor();
        return p.locator('#test-clock-result');
      }

      it('buys with auto-renew, moves the clock past the period end, runs renewals and shows period 2', async () => {
        const p = current();
        const { email, membership: before } = await buyMonthlyWithAutoRenew();
        const result = await moveAMonthAndRunRenewals(email, before.current_period_end);
        expect(await result.getAttribute('data-charged')).to.equal('1');
        expect(await result.getAttribute('data-failed')).to.equal('0');
        expect(await result.innerText()).to.contain('결제 1');

        const after = (await apiGet('/api/me')).body.membership;
        expect(after.status).to.equal('active');
        expect(after.current_period_start).to.equal(before.current_period_end);
        expect(after.next_charge_at).to.equal(after.current_period_end);
        expect(new Date(after.next_charge_at).getTime()).to.be.greaterThan(new Date(before.next_charge_at).getTime());
        await p.locator('#membership-period', { hasText: `${kst(after.current_period_start)} ~ ${kst(after.current_period_end)}` }).waitFor();
        await p.locator('#membership-next-charge', { hasText: kst(after.next_charge_at) }).waitFor();
        const rows = await p.locator('[data-test="payment-row"]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-merchant-uid'), tr.getAttribute('data-status')]));
        expect(rows.length).to.equal(2);
        expect(rows[0][0]).to.match(/^renewal-.+-2$/);
        expect(rows[0][1]).to.equal('paid');
        if (gateway === 'toss') await p.screenshot({ path: screenshotPath('toss-test-clock-period-2-375'), fullPage: true });
      });

      it('a declined renewal shows the membership past due: the charge due at the period end, retried by the server', async () => {
        const p = current();
        const { email, membership: before } = await buyMonthlyWithAutoRenew();
        const billingKey = (await membershipRecord())?.billingKey;
        expect(billingKey).to.be.a('string');
        // Iamport keeps the card under our customer_uid; with Toss we keep a `<customerKey>:<billingKey>` handle.
        if (gateway === 'iamport') expect(app().iamport!.state.setCustomerCard(billingKey!, 'declined').ok).to.equal(true);
        else if (gateway === 'portone') expect(app().portone!.sandbox.store.setBillingKeyCard(billingKey!, 'declined')).to.equal(true);
        else expect(app().toss!.store.setBillingCard(parseBillingHandle(billingKey!)!.billingKey, 'declined')).to.equal(true);

        const result = await moveAMonthAndRunRenewals(email, before.current_period_end);
        expect(await result.getAttribute('data-charged')).to.equal('0');
        expect(await result.getAttribute('data-failed')).to.equal('1');

        const after = (await apiGet('/api/me')).body.membership;
        expect(after).to.include({ status: 'past_due', auto_renew: true, current_period_end: before.current_period_end });
        expect(after.next_charge_at).to.equal(after.current_period_end);
        await p.locator('#membership-status[data-status="past_due"]').waitFor();
        await p.locator('#membership-next-charge', { hasText: '자동으로 다시 시도합니다' }).waitFor();
        await p.screenshot({ path: screenshotPath(`${gateway}-past-due-375`), fullPage: true });
      });
    });
  });
}

function kst(iso: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} KST`;
}
