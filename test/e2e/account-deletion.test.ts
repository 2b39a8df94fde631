// The member's own data and leaving, in a real browser (DESIGN §6 "Korean subscription rules",
// issue 21 item 4): a member buys monthly, downloads their data as a JSON file, tries to delete the
// account with a wrong password (nothing changes), then deletes it with a refund: the membership
// ends with the refund, the page returns to the logged-out state and the old password no longer logs in.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MembershipRepository } from '../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../src/membership/membership.tokens';
import type { PaymentRepository } from '../../src/payment/application/payment-repository.port';
import { PAYMENT } from '../../src/payment/payment.tokens';
import { launchBrowser, newPage, PHONE, screenshotOnFailure, screenshotPath } from '../support/browser';
import { startE2eApp, type RunningApp } from './e2e-app';

const PASSWORD = 'correct horse battery';

describe('downloading my data and deleting my account in the browser (e2e)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let app: RunningApp;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];

  before(async function () {
    this.timeout(30_000);
    browser = await launchBrowser();
    app = await startE2eApp('iamport');
  });
  after(async () => {
    await app?.close();
    await browser?.close();
  });
  beforeEach(async () => {
    ({ context, page, errors } = await newPage(browser, PHONE));
    await page.goto(`${app.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
  });
  screenshotOnFailure(() => page);
  afterEach(async () => {
    // The wrong password's 403, the old password's refused login (401) and the refused refund (502) are answers under test; anything else is an error.
    const pageErrors = errors.filter((e) => !/^console: Failed to load resource: the server responded with a status of (401|403|502) /.test(e));
    await context?.close();
    context = undefined;
    page = undefined;
    expect(pageErrors, 'errors in the page').to.deep.equal([]);
  });

  const current = (): Page => {
    if (!page) throw new Error('no page');
    return page;
  };
  const outcome = (word: string) => current().locator(`#message:not([hidden])[data-outcome="${word}"]`);

  async function signUpAndBuyMonthly(email: string): Promise<void> {
    const p = current();
    await p.fill('#signup-name', '김탈퇴');
    await p.fill('#signup-email', email);
    await p.fill('#signup-password', PASSWORD);
    await p.click('#signup-submit');
    await p.locator('#app[data-state="logged-in"]').waitFor();
    await p.click('.order[data-plan="monthly"]');
    const modal = p.locator('[data-test="imp-modal"]');
    await modal.waitFor();
    await modal.locator('[data-card="success"]').click();
    await modal.locator('[data-action="pay"]').click();
    await outcome('paid').waitFor({ timeout: 8_000 });
  }

  it('exports the member\'s data, refuses a wrong password, then deletes the account with a refund and logs out', async () => {
    const p = current();
    const email = `leaving.${Date.now()}@example.com`;
    await signUpAndBuyMonthly(email);

    // Download my data: a JSON file with the member and the payment.
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#export-button')]);
    expect(download.suggestedFilename()).to.match(/^memberpay-export-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported.user).to.include({ email, name: '김탈퇴' });
    expect(exported.payments).to.have.length(1);
    expect(exported.payments[0]).to.include({ plan: 'monthly', amount: 9900, status: 'paid' });
    expect(exported.memberships[0]).to.include({ plan: 'monthly', status: 'active' });
    expect(await p.locator('#export-result').getAttribute('data-outcome')).to.equal('exported');
    const userId: string = exported.user.id;

    // The form: the refund quote as the cancel flow shows it, and neither refund answer preselected.
    await p.click('#delete-account-button');
    await p.locator('#delete-refund-quote[data-refundable]').waitFor();
    expect(await p.locator('#delete-refund-quote').getAttribute('data-refundable')).to.equal('9900');
    expect(await p.locator('#delete-refund-quote').innerText()).to.contain('₩9,900');
    expect(await p.locator('[data-test="delete-refund-now"]').isChecked()).to.equal(false);
    expect(await p.locator('[data-test="delete-refund-none"]').isChecked()).to.equal(false);
    await p.locator('#delete-account-form').screenshot({ path: screenshotPath('account-deletion-form-375') });

    // A wrong password: the message, still logged in, nothing ended.
    await p.fill('#delete-password', 'not my password');
    await p.check('[data-test="delete-refund-now"]');
    await p.click('#delete-account-next');
    expect(await p.locator('#delete-account-summary').innerText()).to.contain('₩9,900');
    await p.click('#delete-account-confirm-yes');
    await outcome('wrong_password').waitFor({ timeout: 10_000 });
    expect(await p.locator('#message').innerText()).to.contain('비밀번호가 맞지 않습니다');
    expect(await p.locator('#app').getAttribute('data-state')).to.equal('logged-in');
    const me = await (await p.request.get(`${app.url}/api/me`)).json();
    expect(me.membership).to.include({ status: 'active', ended_at: null });

    // The right password with a refund: deleted, refunded, logged out.
    await p.fill('#delete-password', PASSWORD);
    await p.click('#delete-account-next');
    await p.click('#delete-account-confirm-yes');
    await outcome('account_deleted').waitFor({ timeout: 15_000 });
    expect(await p.locator('#message').innerText()).to.contain('₩9,900');
    expect(await p.locator('#app').getAttribute('data-state')).to.equal('logged-out');
    expect(await p.locator('#account-section').isVisible()).to.equal(false);
    const membership = await app.container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository).findLatestByUserId(userId);
    expect(membership?.status).to.equal('cancelled');
    expect(membership?.endedAt).to.be.instanceOf(Date);
    const [payment] = await app.container.get<PaymentRepository>(PAYMENT.PaymentRepository).listByUser(userId);
    expect(payment.cancelledAmount).to.equal(9900);
    expect((await p.request.get(`${app.url}/api/me`)).status()).to.equal(401);

    await p.evaluate(() => window.scrollTo(0, 0));
    await p.screenshot({ path: screenshotPath('account-deleted-375'), fullPage: true });

    // The old password opens nothing.
    await p.fill('#login-email', email);
    await p.fill('#login-password', PASSWORD);
    await p.click('#login-submit');
    await outcome('invalid_credentials').waitFor();
    expect(await p.locator('#app').getAttribute('data-state')).to.equal('logged-out');
  });

  it('keeps the account and the membership when the gateway refuses the refund (in English)', async () => {
    const p = current();
    await p.goto(`${app.url}/?lang=en`);
    await p.locator('body[data-ready="true"]').waitFor();
    const email = `refused.${Date.now()}@example.com`;
    await signUpAndBuyMonthly(email);
    // The PG forgets every payment: its refusal of the refund is a definite no.
    app.iamport!.reset();

    await p.click('#delete-account-button');
    await p.locator('#delete-refund-quote[data-refundable]').waitFor();
    await p.fill('#delete-password', PASSWORD);
    await p.check('[data-test="delete-refund-now"]');
    await p.click('#delete-account-next');
    await p.click('#delete-account-confirm-yes');
    await outcome('gateway_rejected').waitFor({ timeout: 15_000 });
    const message = await p.locator('#message').innerText();
    expect(message).to.contain('refused the refund');
    expect(message).to.contain('not deleted');
    expect(await p.locator('#app').getAttribute('data-state')).to.equal('logged-in');
    const me = await (await p.request.get(`${app.url}/api/me`)).json();
    expect(me.user.email).to.equal(email);
    expect(me.membership).to.include({ status: 'active', ended_at: null });
  });
});
