import { expect } from 'chai';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import type { AppConfig } from '../../../src/config';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();
const DAY = 24 * 60 * 60 * 1000;
const PHONE = '+821012345678';
const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });

/** Issue 21 item 2: the consent request and the trial notice go to the member's mobile number, and a failed text costs nothing else. */
describe('consent and trial notices by SMS (SeekConsents, in-memory adapters, virtual clock)', () => {
  let app: MemoryApp;
  beforeEach(() => {
    app = memoryApp({}, withTrial);
  });
  afterEach(() => {
    sinon.restore();
  });

  async function memberWithPriceRise(phone?: string) {
    app.clock.freezeAt(kst('2027-01-10T10:00'));
    const user = await app.newUser('Kim Buyer', phone);
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: true });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    app.clock.freezeAt(kst('2027-01-11T10:00'));
    await app.renewals.execute();
    return user;
  }

  async function trialAtItsNotice(phone?: string) {
    app.clock.freezeAt(kst('2027-01-10T10:00'));
    const user = await app.newUser('Kim Buyer', phone);
    const offer = await app.startTrial.offer(user.id, 'monthly');
    app.gateway.buyerStoresCard(offer.customerUid);
    const membership = await app.startTrial.confirm(user.id, 'monthly');
    app.clock.freezeAt(new Date(membership.periodEnd.getTime() - 7 * DAY));
    await app.renewals.execute();
    return user;
  }

  it('the consent request goes to the member\'s mobile number', async () => {
    const user = await memberWithPriceRise(PHONE);
    expect(app.sms.sent.filter((s) => s.kind === 'consent_request').map((s) => [s.userId, s.to])).to.deep.equal([[user.id, PHONE]]);
  });

  it('the trial notice goes to the member\'s mobile number', async () => {
    const user = await trialAtItsNotice(PHONE);
    expect(app.sms.sent.filter((s) => s.kind === 'trial_ending').map((s) => [s.userId, s.to])).to.deep.equal([[user.id, PHONE]]);
  });

  it('a member who gave no number: the text is handed to the port with no address (the adapter logs it unsent)', async () => {
    const user = await memberWithPriceRise();
    expect(app.sms.sent.filter((s) => s.kind === 'consent_request').map((s) => [s.userId, s.to])).to.deep.equal([[user.id, null]]);
  });

  it('a failed text: the consent request still opens and its e-mail goes', async () => {
    sinon.stub(app.sms, 'send').rejects(new Error('SMS provider answered 503'));
    const user = await memberWithPriceRise(PHONE);
    expect((await app.consents.listByUser(user.id)).map((r) => r.status)).to.deep.equal(['pending']);
    expect(app.notifier.sent.filter((n) => n.kind === 'consent_request').map((n) => n.to)).to.deep.equal([user.email]);
  });

  it('a failed text: the trial notice counts as sent, so its e-mail is not sent twice on the next run', async () => {
    const send = sinon.stub(app.sms, 'send').rejects(new Error('SMS provider answered 503'));
    await trialAtItsNotice(PHONE);
    await app.renewals.execute();
    expect(app.notifier.sent.filter((n) => n.kind === 'trial_ending')).to.have.length(1);
    expect(send.getCalls().filter((c) => c.args[0].kind === 'trial_ending')).to.have.length(1);
  });
});
