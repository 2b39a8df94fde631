// Issue 21 in a real browser (Iamport sandbox, test clock): a member on a free trial consents to the
// trial's price, gets the notice before the trial ends, sees the consent prompt after a price rise
// (date, old and new price, the card, how to cancel, two answers of equal weight), declines it, and
// is never charged the new price.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sinon from 'sinon';
import type { RunRenewals } from '../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../src/billing/billing.tokens';
import type { AppConfig } from '../../src/config';
import type { SchedulePriceChange } from '../../src/membership/application/schedule-price-change.use-case';
import { MEMBERSHIP } from '../../src/membership/membership.tokens';
import type { Notifier } from '../../src/shared/application/notifier.port';
import type { Sms } from '../../src/shared/application/sms.port';
import { SHARED } from '../../src/shared/shared.tokens';
import { launchBrowser, newPage, PHONE, screenshotOnFailure, screenshotPath } from '../support/browser';
import { startE2eApp, type RunningApp } from './e2e-app';

const DAY = 24 * 60 * 60 * 1000;
const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });

describe('a trial member declines a price rise in the browser (e2e, Iamport sandbox, test clock)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let app: RunningApp;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];

  before(async function () {
    this.timeout(30_000);
    browser = await launchBrowser();
    app = await startE2eApp('iamport', withTrial);
    ({ context, page, errors } = await newPage(browser, PHONE));
  });
  after(async () => {
    await context?.close();
    await app?.close();
    await browser?.close();
  });
  screenshotOnFailure(() => page);

  const current = (): Page => {
    if (!page) throw new Error('no page');
    return page;
  };
  /** A JSON call from the page, with its session cookie. */
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; data: any }> {
    return current().evaluate(async ([m, p, b]) => {
      const res = await fetch(p as string, { method: m as string, headers: { 'content-type': 'application/json', accept: 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
      return { status: res.status, data: await res.json() };
    }, [method, path, body] as const);
  }
  const runRenewals = () => app.container.get<RunRenewals>(BILLING.RunRenewals).execute();

  it('gets the trial notice, sees the prompt for the higher price, declines it, and is not charged', async () => {
    const p = current();
    const notices = sinon.spy(app.container.get<Notifier>(SHARED.Notifier), 'send');
    const texts = sinon.spy(app.container.get<Sms>(SHARED.Sms), 'send');
    app.clock.freezeAt(new Date('2027-01-10T01:00:00.000Z'));

    await p.goto(`${app.url}/`);
    await p.locator('body[data-ready="true"]').waitFor();
    await p.fill('#signup-name', '김체험');
    await p.fill('#signup-email', `trial.${Date.now()}@example.com`);
    await p.fill('#signup-password', 'correct horse battery');
    await p.click('#signup-submit');
    await p.locator('#app[data-state="logged-in"]').waitFor();

    // The trial from the page: its button opens Iamport's window (IMP.request_pay with customer_uid and amount 0), the
    // card is stored, the page confirms, and nothing is charged.
    const trialButton = p.locator('.trial[data-plan="monthly"]');
    expect(await trialButton.innerText()).to.contain('14일 무료 체험');
    await trialButton.click();
    const modal = p.locator('[data-test="imp-modal"]');
    await modal.waitFor();
    await modal.locator('[data-card="success"]').click();
    await modal.locator('[data-action="pay"]').click();
    await p.locator('#message:not([hidden])[data-outcome="trial_started"]').waitFor();
    const started = await call('GET', '/api/me');
    expect(started.data.membership).to.include({ status: 'active', auto_renew: true });
    expect((await call('GET', '/api/payments')).data.payments, 'no payment for the stored card').to.deep.equal([]);
    const trialEnd = new Date(started.data.membership.trial_ends_at);

    // The trial's end is its first charge: the member is asked, and agrees to the plan's price.
    await runRenewals();
    await p.reload();
    await p.locator('[data-test="consent"]').waitFor();
    expect(await p.locator('[data-test="consent-change"]').innerText()).to.contain('₩0').and.contain('₩9,900');
    await p.click('[data-test="consent-accept"]');
    await p.locator('#message:not([hidden])[data-outcome="consent_accepted"]').waitFor();
    expect(await p.locator('[data-test="consent"]').count()).to.equal(0);

    // The operator raises the price from the trial's end; a week before it the notice goes out and the new request opens.
    await app.container.get<SchedulePriceChange>(MEMBERSHIP.SchedulePriceChange).execute('monthly', 12900, new Date(trialEnd.getTime() - DAY));
    app.clock.freezeAt(new Date(trialEnd.getTime() - 7 * DAY));
    await runRenewals();
    expect(notices.getCalls().map((c) => c.args[0].kind)).to.include('trial_ending');
    expect(texts.getCalls().map((c) => c.args[0].kind)).to.include.members(['trial_ending', 'consent_request']);

    await p.reload();
    const prompt = p.locator('[data-test="consent"]');
    await prompt.waitFor();
    const words = await prompt.innerText();
    expect(words).to.contain('₩9,900').and.contain('₩12,900');
    expect(words).to.contain('2027-01-24'); // the change date (the trial's end, KST)
    expect(words).to.contain('등록된 카드');
    expect(words).to.contain('해지');
    const accept = prompt.locator('[data-test="consent-accept"]');
    const decline = prompt.locator('[data-test="consent-decline"]');
    expect(await accept.getAttribute('class'), 'equal weight').to.equal(await decline.getAttribute('class'));
    const [a, d] = [await accept.boundingBox(), await decline.boundingBox()];
    expect(Math.abs((a?.height ?? 0) - (d?.height ?? 0)), 'same height').to.be.below(2);
    expect(Math.abs((a?.width ?? 0) - (d?.width ?? 0)), 'same width').to.be.below(2);
    await p.screenshot({ path: screenshotPath('trial-consent-prompt-375'), fullPage: true });

    await p.click('[data-test="consent-decline"]');
    await p.locator('#message:not([hidden])[data-outcome="consent_declined"]').waitFor();
    expect(await p.locator('#membership-next-charge').innerText()).to.contain('해지 예정');

    app.clock.freezeAt(new Date(trialEnd.getTime() + 60_000));
    await runRenewals();
    await runRenewals();
    const payments = await call('GET', '/api/payments');
    expect(payments.data.payments, 'nothing charged').to.deep.equal([]);
    const me = await call('GET', '/api/me');
    expect(me.data.membership).to.include({ status: 'cancelled', auto_renew: false });
    expect(errors, 'errors in the page').to.deep.equal([]);
  });
});

for (const gateway of ['toss', 'portone'] as const) {
  describe(`a free trial started from the page through ${gateway} (e2e)`, function () {
    this.timeout(60_000);
    let browser: Browser;
    let app: RunningApp;
    let context: BrowserContext | undefined;
    let page: Page | undefined;
    let errors: string[] = [];

    before(async function () {
      this.timeout(30_000);
      browser = await launchBrowser();
      app = await startE2eApp(gateway, withTrial);
      ({ context, page, errors } = await newPage(browser, PHONE));
    });
    after(async () => {
      await context?.close();
      await app?.close();
      await browser?.close();
    });
    screenshotOnFailure(() => page);

    it('stores the card in the PG window without a charge and starts the trial', async () => {
      const p = page as Page;
      await p.goto(`${app.url}/`);
      await p.locator('body[data-ready="true"]').waitFor();
      await p.fill('#signup-name', '김체험');
      await p.fill('#signup-email', `trial.${gateway}.${Date.now()}@example.com`);
      await p.fill('#signup-password', 'correct horse battery');
      await p.click('#signup-submit');
      await p.locator('#app[data-state="logged-in"]').waitFor();

      await p.click('.trial[data-plan="monthly"]');
      const modal = p.locator(`[data-test="${gateway}-modal"]`);
      await modal.waitFor();
      await modal.locator('[data-card="success"]').click();
      await modal.locator('[data-action="pay"]').click();
      // Toss redirects the page back; its return carries the authKey the page confirms with.
      await p.locator('#message:not([hidden])[data-outcome="trial_started"]').waitFor();
      const me = await p.evaluate(async () => (await fetch('/api/me')).json());
      expect(me.membership).to.include({ status: 'active', auto_renew: true });
      expect(me.membership.trial_ends_at).to.be.a('string');
      const payments = await p.evaluate(async () => (await fetch('/api/payments')).json());
      expect(payments.payments, 'nothing charged').to.deep.equal([]);
      expect(errors, 'errors in the page').to.deep.equal([]);
    });
  });
}
