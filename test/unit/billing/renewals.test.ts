import { expect } from 'chai';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import { NOTICE_HOLD_MS, type NotificationLog } from '../../../src/billing/application/notification-log.port';
import type { SeekConsents } from '../../../src/billing/application/seek-consents.use-case';
import { BILLING } from '../../../src/billing/billing.tokens';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { Logger } from '../../../src/shared/application/logger.port';
import { GatewayRejectedError, Payment, type PaymentChannel } from '../../../src/payment/payment.api';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import type { PlanCatalog } from '../../../src/pricing/pricing.api';
import { PRICING } from '../../../src/pricing/pricing.tokens';
import { ConflictError } from '../../../src/shared/domain/conflict-error';
import { SHARED } from '../../../src/shared/shared.tokens';
import { aPayment } from '../../support/builders/payment.builder';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const HOUR = 60 * 60 * 1000;
const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();
const kstDate = (d: Date) => DateTime.fromJSDate(d, { zone: 'Asia/Seoul' }).toISODate();

describe('renewals by billing key (in-memory adapters, virtual clock)', () => {
  let app: MemoryApp;

  beforeEach(() => {
    app = memoryApp();
  });

  async function memberSince(start: Date, name: string) {
    app.clock.freezeAt(start);
    const user = await app.autoRenewingMember(name);
    return user;
  }

  const renewalCharges = (userId: string) =>
    app.gateway.calls.filter((c) => c.operation === 'chargeBillingKey' && (c.args as { customerUid: string }).customerUid === `cu_${userId}`);

  it('reminds every membership inside the horizon in one run, past a page of them, and claims nothing twice', async () => {
    // Pages of 20 (batch 2 × 10): 25 memberships renewing at the same moment span two pages.
    app = memoryApp({}, (config) => ({ ...config, renewalBatchSize: 2 }));
    const start = kst('2027-01-10T10:00');
    const users = [];
    for (let n = 0; n < 25; n++) users.push(await memberSince(start, `member ${n}`));
    const log = app.container.get<NotificationLog>(BILLING.NotificationLog);
    const claims = sinon.spy(log, 'claim');
    const claimEach = sinon.spy(log, 'claimEach');
    const sentEach = sinon.spy(log, 'sentEach');
    app.clock.freezeAt(kst(`2027-02-${String(10 - app.config.reminderDays).padStart(2, '0')}T10:00`));

    expect(await app.renewals.execute()).to.include({ reminded: 25, charged: 0 });
    const reminded = app.notifier.sent.filter((n) => n.kind === 'renewal_reminder').map((n) => n.to);
    expect(reminded.sort()).to.deep.equal(users.map((u) => u.email).sort());
    expect(claims.callCount).to.equal(25);
    // Taken and marked sent ten at a time (one write each on a database), page by page.
    expect(claimEach.args.map(([keys]) => keys.length)).to.deep.equal([10, 10, 5]);
    expect(sentEach.args.map(([keys]) => keys.length)).to.deep.equal([10, 10, 5]);

    expect(await app.renewals.execute()).to.include({ reminded: 0 });
    expect(claims.callCount).to.equal(25);
  });

  it('a simulated year: 12 charges each, on the anchor day (clamped), and 12 reminders', async function () {
    this.timeout(60_000);
    const members = [
      { name: 'anchored on Jan 31', start: kst('2027-01-31T10:00') },
      { name: 'anchored on Feb 29', start: kst('2028-02-29T09:30') },
      { name: 'anchored on the 15th', start: kst('2027-03-15T23:00') },
    ];
    const outcome: Record<string, string[]> = {};
    for (const member of members) {
      const user = await memberSince(member.start, member.name);
      const end = DateTime.fromJSDate(member.start).plus({ months: 12, hours: 1 }).toJSDate();
      const chargeDays: string[] = [];
      for (let t = member.start.getTime() + HOUR; t <= end.getTime(); t += HOUR) {
        app.clock.freezeAt(new Date(t));
        const before = renewalCharges(user.id).length;
        await app.renewals.execute();
        if (renewalCharges(user.id).length > before) chargeDays.push(kstDate(new Date(t)) as string);
        // An hour at a time only from four days before the next charge (reminder, charge): anything due
        // earlier would be charged at the first run after the skip and show up on the wrong day.
        const next = (await app.memberships.findLiveByUserId(user.id))?.nextChargeAt?.getTime() ?? 0;
        if (next - 4 * 24 * HOUR > t + HOUR) t = next - 4 * 24 * HOUR - HOUR;
      }
      outcome[member.name] = chargeDays;
      const membership = await app.memberships.findLiveByUserId(user.id);
      const reminders = app.notifier.sent.filter((n) => n.kind === 'renewal_reminder' && n.to === user.email);
      console.log(`      ${member.name}: ${chargeDays.length} charges (${chargeDays.join(' ')}), ${reminders.length} reminders`);
      expect(membership?.periodNo, member.name).to.equal(13);
      expect(reminders, member.name).to.have.length(12);
    }
    expect(outcome['anchored on Jan 31']).to.deep.equal([
      '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30', '2027-07-31',
      '2027-08-31', '2027-09-30', '2027-10-31', '2027-11-30', '2027-12-31', '2028-01-31',
    ]);
    expect(outcome['anchored on Feb 29']).to.deep.equal([
      '2028-03-29', '2028-04-29', '2028-05-29', '2028-06-29', '2028-07-29', '2028-08-29',
      '2028-09-29', '2028-10-29', '2028-11-29', '2028-12-29', '2029-01-29', '2029-02-28',
    ]);
    expect(outcome['anchored on the 15th']).to.deep.equal([
      '2027-04-15', '2027-05-15', '2027-06-15', '2027-07-15', '2027-08-15', '2027-09-15',
      '2027-10-15', '2027-11-15', '2027-12-15', '2028-01-15', '2028-02-15', '2028-03-15',
    ]);
  });

  it('running twice at the same moment charges a period once', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'twice');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    const [a, b] = await Promise.all([app.renewals.execute(), app.renewals.execute()]);
    expect(a.charged + b.charged).to.equal(1);
    expect(renewalCharges(user.id)).to.have.length(1);
    expect(await app.renewals.execute()).to.include({ charged: 0 });
  });

  // Was a defect: after an empty claim (another instance's claim held the rows for a moment) a run
  // looked only at the first page of due memberships; another instance's leases fill that page, so
  // the run ended with most of the work unleased, and that instance sat idle until its next run.
  it('an empty claim while other instances hold the first due batch does not end the run: the unleased rest is charged', async () => {
    app = memoryApp({}, (config) => ({ ...config, renewalBatchSize: 2 }));
    const users = [];
    for (let n = 0; n < 6; n++) users.push(await memberSince(kst('2027-01-31T10:00'), `member ${n}`));
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    const now = app.clock.now();
    const heldElsewhere = await app.memberships.claimDueForRenewal(now, now, new Date(now.getTime() + 5 * 60_000), 2);
    const claim = sinon.stub(app.memberships, 'claimDueForRenewal').callThrough();
    claim.onFirstCall().resolves([]); // a SKIP LOCKED claim that met another instance's claim in progress

    const run = await app.renewals.execute();
    expect(run).to.include({ charged: 4, skipped: 2 });
    const charged = users.filter((u) => renewalCharges(u.id).length === 1).map((u) => u.id);
    expect(charged).to.have.members(users.map((u) => u.id).filter((id) => !heldElsewhere.some((m) => m.userId === id)));
  });

  it('decline -> past due -> recovered on the second retry', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'dunning');
    app.gateway.setCardDeclines(`cu_${user.id}`, true);
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ failed: 1 });
    let membership = await app.memberships.findLiveByUserId(user.id);
    expect(membership?.status).to.equal('past_due');
    expect(kstDate(membership!.nextChargeAt!)).to.equal('2027-03-01');
    app.clock.freezeAt(kst('2027-03-01T10:00'));
    expect(await app.renewals.execute()).to.include({ failed: 1 });
    app.gateway.setCardDeclines(`cu_${user.id}`, false);
    app.clock.freezeAt(kst('2027-03-03T10:00'));
    expect(await app.renewals.execute()).to.include({ charged: 1 });
    membership = await app.memberships.findLiveByUserId(user.id);
    expect(membership?.status).to.equal('active');
    expect(membership?.periodNo).to.equal(2);
    expect(kstDate(membership!.periodEnd)).to.equal('2027-03-31');
    const uids = new Set(renewalCharges(user.id).map((c) => (c.args as { merchantUid: string }).merchantUid));
    expect([...uids]).to.deep.equal([`renewal-${membership!.id}-2`]);
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_failed')).to.have.length(2);
  });

  it('decline on every retry -> expired, the card released, no further charges', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'expires');
    app.gateway.setCardDeclines(`cu_${user.id}`, true);
    for (const day of ['2027-02-28', '2027-03-01', '2027-03-03', '2027-03-05', '2027-03-10', '2027-04-30']) {
      app.clock.freezeAt(kst(`${day}T10:00`));
      await app.renewals.execute();
    }
    expect(renewalCharges(user.id)).to.have.length(4);
    expect(await app.memberships.findLiveByUserId(user.id)).to.equal(null);
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('expired');
    expect(app.gateway.hasBillingKey(`cu_${user.id}`)).to.equal(false);
  });

  it('a charge whose answer was lost is looked up, never charged again', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'lost');
    app.gateway.scriptNext('chargeBillingKey', 'lost');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ skipped: 1 });
    app.clock.freezeAt(kst('2027-02-28T10:10'));
    expect(await app.renewals.execute()).to.include({ charged: 1 });
    expect(renewalCharges(user.id)).to.have.length(1);
    expect((await app.memberships.findLiveByUserId(user.id))?.periodNo).to.equal(2);
  });

  it('a charge whose answer was lost and which was then refunded at the gateway is not charged again', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'lost then refunded');
    app.gateway.scriptNext('chargeBillingKey', 'lost');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ skipped: 1 });
    const [charge] = app.gateway.allPayments().filter((p) => p.merchantUid.startsWith('renewal-'));
    // The operator refunds it in the gateway's console before our next run asks.
    await app.gateway.cancel({ gatewayPaymentId: charge.gatewayPaymentId, merchantUid: charge.merchantUid, amount: charge.amount, checksum: charge.amount, reason: 'console' });
    app.clock.freezeAt(kst('2027-02-28T10:10'));
    expect(await app.renewals.execute()).to.include({ failed: 0 });
    expect(renewalCharges(user.id)).to.have.length(1);
    expect((await app.payments.findByMerchantUid(charge.merchantUid))?.status).to.equal('cancelled');
  });

  it('a run tells its progress: the memberships due when it starts, counted page by page, and one step per renewal', async () => {
    // Pages of 10 (batch 1 × 10): 12 due memberships span two pages.
    app = memoryApp({}, (config) => ({ ...config, renewalBatchSize: 1 }));
    for (let n = 0; n < 12; n++) await memberSince(kst('2027-01-31T10:00'), `member ${n}`);
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    const now = app.clock.now();
    await app.memberships.claimDueForRenewal(now, now, new Date(now.getTime() + 5 * 60_000), 1); // held by another worker
    const progress = { start: sinon.spy(), advance: sinon.spy() };
    const run = await app.renewals.execute(undefined, progress);
    expect(progress.start.args).to.deep.equal([[11]]);
    expect(progress.advance.callCount).to.equal(11);
    expect(run).to.include({ due: 12, charged: 11, skipped: 1 });
  });

  it('reminds only a live, renewing membership before its first attempt: not past due, not without auto-renew', async () => {
    const renewing = await memberSince(kst('2027-01-31T10:00'), 'renewing');
    const declining = await memberSince(kst('2027-01-31T10:00'), 'declining');
    app.gateway.setCardDeclines(`cu_${declining.id}`, true);
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    await app.renewals.execute(); // renewing is charged, declining goes past due
    app.notifier.sent.length = 0;
    app.clock.freezeAt(kst(`2027-03-${String(31 - app.config.reminderDays).padStart(2, '0')}T10:00`));
    expect(await app.renewals.execute()).to.include({ reminded: 1 });
    const reminders = app.notifier.sent.filter((n) => n.kind === 'renewal_reminder');
    expect(reminders.map((n) => n.to)).to.deep.equal([renewing.email]);
    expect(reminders[0].text).to.include('9,900');
  });

  it('a reminder that could not be sent before its charge was declined is not sent once the membership is past due', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'declined unreminded');
    app.gateway.setCardDeclines(`cu_${user.id}`, true);
    const send = sinon.stub(app.notifier, 'send').callThrough();
    send.withArgs(sinon.match({ kind: 'renewal_reminder' })).rejects(new Error('smtp down'));
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ reminded: 0, failed: 1 });
    send.restore();
    expect((await app.memberships.findLiveByUserId(user.id))?.status).to.equal('past_due');

    app.clock.freezeAt(kst('2027-02-28T11:00')); // its retry inside the reminder horizon
    expect(await app.renewals.execute()).to.include({ reminded: 0 });
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_reminder')).to.deep.equal([]);
  });

  it('a reminder that could not be sent is released and sent by the next run', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'unlucky');
    app.clock.freezeAt(kst(`2027-02-${String(28 - app.config.reminderDays).padStart(2, '0')}T10:00`));
    const send = sinon.stub(app.notifier, 'send').rejects(new Error('smtp down'));
    expect(await app.renewals.execute()).to.include({ reminded: 0 });
    send.restore();
    expect(await app.renewals.execute()).to.include({ reminded: 1 });
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_reminder').map((n) => n.to)).to.deep.equal([user.email]);
  });

  it('a reminder whose key cannot be given back after a failed send does not stop the charges; it goes out once its hold runs out', async () => {
    await memberSince(kst('2027-01-10T10:00'), 'due now');
    const later = await memberSince(kst('2027-01-12T10:00'), 'due in two days');
    app.clock.freezeAt(kst('2027-02-10T10:00'));
    const send = sinon.stub(app.notifier, 'send').rejects(new Error('smtp down'));
    const release = sinon.stub(app.container.get<NotificationLog>(BILLING.NotificationLog), 'release').rejects(new Error('database gone'));

    expect(await app.renewals.execute()).to.include({ charged: 1, reminded: 0 });

    send.restore();
    release.restore();
    app.clock.freezeAt(new Date(kst('2027-02-10T10:00').getTime() + NOTICE_HOLD_MS + 60_000));
    expect(await app.renewals.execute()).to.include({ charged: 0, reminded: 1 });
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_reminder').map((n) => n.to)).to.deep.equal([later.email]);
  });

  it('a first attempt charges without asking the gateway first, with the plan\'s name and the buyer, and records the renewal payment', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'Lee Renewing');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ charged: 1 });
    expect(app.gateway.calls.filter((c) => c.operation === 'findByMerchantUid')).to.deep.equal([]);
    const [charge] = renewalCharges(user.id).map((c) => c.args as { name: string; buyerName: string; buyerEmail: string; merchantUid: string });
    expect(charge).to.deep.include({ name: '월간 멤버십 갱신', buyerName: 'Lee Renewing', buyerEmail: user.email });
    const membership = await app.memberships.findLiveByUserId(user.id);
    const payment = (await app.payments.findByMerchantUid(charge.merchantUid))!;
    expect(payment.toProps()).to.deep.include({ payMethod: 'card', status: 'paid', customerUid: `cu_${user.id}` });
    expect(payment.purpose).to.deep.equal({ kind: 'renewal', planId: 'monthly', membershipId: membership!.id, periodNo: 2 });
  });

  it('a charge the gateway refuses outright: the period\'s payment failed with its message, the member past due', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'refused');
    app.gateway.scriptNext('chargeBillingKey', 'rejected', '카드 정지');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ failed: 1, skipped: 0 });
    const membership = await app.memberships.findLiveByUserId(user.id);
    expect(membership?.status).to.equal('past_due');
    const payment = await app.payments.findByMerchantUid(`renewal-${membership!.id}-2`);
    expect([payment?.status, payment?.failure]).to.deep.equal(['failed', { code: 'gateway_failed', message: '카드 정지' }]);
    expect(app.eventsOfType('RenewalFailed').map((e) => (e.event.payload as { reason: string }).reason)).to.deep.equal(['카드 정지']);
  });

  it('a declined charge records the card company\'s reason with the failed renewal', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'declined');
    app.gateway.setCardDeclines(`cu_${user.id}`, true);
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    await app.renewals.execute();
    expect(app.eventsOfType('RenewalFailed').map((e) => (e.event.payload as { reason: string }).reason)).to.deep.equal(['카드사 거절: 잔액부족']);
  });

  it('a renewal payment that cannot be saved for another reason than a conflict stops the run', async () => {
    await memberSince(kst('2027-01-31T10:00'), 'unsaved');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    sinon.stub(app.payments, 'save').rejects(new Error('disk full'));
    expect(await app.renewals.execute().catch((e) => e.message)).to.equal('disk full');
  });

  it('a renewal payment refused as a conflict that is then not found is skipped, not charged', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'conflict');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    sinon.stub(app.payments, 'save').rejects(new ConflictError('payment', 'elsewhere'));
    expect(await app.renewals.execute()).to.include({ skipped: 1, charged: 0 });
    expect(renewalCharges(user.id)).to.deep.equal([]);
  });

  it('two runs at once remind a membership once, and count it once', async () => {
    await memberSince(kst('2027-01-31T10:00'), 'reminded once');
    app.clock.freezeAt(kst(`2027-02-${String(28 - app.config.reminderDays).padStart(2, '0')}T10:00`));
    const [a, b] = await Promise.all([app.renewals.execute(), app.renewals.execute()]);
    expect(a.reminded + b.reminded).to.equal(1);
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_reminder')).to.have.length(1);
  });

  it('ends every finished period in a run, past a batch of them', async () => {
    app = memoryApp({}, (config) => ({ ...config, renewalBatchSize: 1 }));
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    for (let n = 0; n < 3; n++) {
      const user = await app.newUser();
      const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: false });
      const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
      await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    }
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ ended: 3 });
  });

  it('a finished membership that cannot be read again when it is ended is passed over', async () => {
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    const user = await app.newUser();
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    sinon.stub(app.memberships, 'findById').resolves(null);
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ ended: 0 });
  });

  it('a membership without auto-renew expires at its period end', async () => {
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    const user = await app.newUser();
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ ended: 1, charged: 0 });
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('expired');
  });

  describe('what a run tells the operator', () => {
    /** The log lines at `level` with that message: the fields each was logged with. */
    function logged(level: 'info' | 'warn') {
      const spy = sinon.spy(app.container.get<Logger>(SHARED.Logger), level);
      return (message: string) => spy.args.filter(([, m]) => m === message).map(([fields]) => fields);
    }

    it('a charge whose answer was lost is logged at warn with the membership and the merchant_uid', async () => {
      const user = await memberSince(kst('2027-01-31T10:00'), 'lost');
      const warned = logged('warn');
      app.gateway.scriptNext('chargeBillingKey', 'lost');
      app.clock.freezeAt(kst('2027-02-28T10:00'));
      await app.renewals.execute();
      const membership = (await app.memberships.findLiveByUserId(user.id))!;
      expect(warned('renewal charge outcome unknown; will ask the gateway before any retry'))
        .to.deep.equal([{ membershipId: membership.id, merchantUid: `renewal-${membership.id}-2` }]);
    });

    it('a declined charge is logged with the membership and the merchant_uid', async () => {
      const user = await memberSince(kst('2027-01-31T10:00'), 'declined');
      const told = logged('info');
      app.gateway.setCardDeclines(`cu_${user.id}`, true);
      app.clock.freezeAt(kst('2027-02-28T10:00'));
      await app.renewals.execute();
      const membership = (await app.memberships.findLiveByUserId(user.id))!;
      expect(told('renewal declined; dunning schedule applies')).to.deep.equal([{ membershipId: membership.id, merchantUid: `renewal-${membership.id}-2` }]);
    });

    it('a charge withheld for want of consent is logged with the membership and the amount', async () => {
      const user = await memberSince(kst('2027-01-10T10:00'), 'withheld');
      await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
      sinon.stub(app.container.get<SeekConsents>(BILLING.SeekConsents), 'execute').resolves({ opened: 0, stopped: 0, trialNotices: 0 });
      const told = logged('info');
      app.clock.freezeAt(kst('2027-02-10T10:00'));
      expect(await app.renewals.execute()).to.include({ skipped: 1, charged: 0 });
      const membership = (await app.memberships.findLatestByUserId(user.id))!;
      expect(told('renewal not charged: the amount is above what the member consented to')).to.deep.equal([{ membershipId: membership.id, amount: 12900 }]);
    });

    it('a reminder for a plan no longer in the catalog is logged at warn naming the plan', async () => {
      const user = await memberSince(kst('2027-01-31T10:00'), 'plan withdrawn');
      sinon.stub(app.container.get<PlanCatalog>(PRICING.PlanCatalog), 'find').returns(null);
      const warned = logged('warn');
      app.clock.freezeAt(kst(`2027-02-${String(28 - app.config.reminderDays).padStart(2, '0')}T10:00`));
      expect(await app.renewals.execute()).to.include({ reminded: 0 });
      const membership = (await app.memberships.findLiveByUserId(user.id))!;
      expect(warned('reminder not sent; will retry')).to.deep.equal([{ membershipId: membership.id, err: 'no plan monthly' }]);
    });

    it('a reminder that could not be sent is logged at warn with the error', async () => {
      const user = await memberSince(kst('2027-01-31T10:00'), 'unlucky');
      const warned = logged('warn');
      app.clock.freezeAt(kst(`2027-02-${String(28 - app.config.reminderDays).padStart(2, '0')}T10:00`));
      sinon.stub(app.notifier, 'send').rejects(new Error('smtp down'));
      await app.renewals.execute();
      const membership = (await app.memberships.findLiveByUserId(user.id))!;
      expect(warned('reminder not sent; will retry')).to.deep.equal([{ membershipId: membership.id, err: 'smtp down' }]);
    });
  });

  it('claims that keep coming back empty while unleased work remains are tried 21 times, then the run ends', async function () {
    this.timeout(10_000);
    await memberSince(kst('2027-01-31T10:00'), 'locked elsewhere');
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    const claim = sinon.stub(app.memberships, 'claimDueForRenewal').resolves([]);
    expect(await app.renewals.execute()).to.include({ charged: 0 });
    expect(claim.callCount).to.equal(21);
  });

  it('a period\'s payment an earlier run priced above what the member consented to is not charged: the renewal stops at the period end', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'priced above');
    const membership = (await app.memberships.findLiveByUserId(user.id))!;
    const channel = app.container.get<PaymentChannel>(PAYMENT.PaymentChannel);
    // An earlier run created the period's payment at a price the member no longer agrees to, then stopped.
    const earlier = Payment.create({
      id: 'pay_earlier', merchantUid: `renewal-${membership.id}-2`, userId: user.id, amount: 12900, payMethod: 'card', gateway: channel.gateway, pg: channel.pg,
      purpose: { kind: 'renewal', planId: 'monthly', membershipId: membership.id, periodNo: 2 }, customerUid: `cu_${user.id}`, now: app.clock.now(),
    });
    await app.uow.run(() => app.payments.save(earlier));
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ charged: 0, skipped: 1 });
    expect(renewalCharges(user.id)).to.deep.equal([]);
    expect((await app.memberships.findLatestByUserId(user.id))?.toProps()).to.include({ autoRenew: false, cancelAtPeriodEnd: true });
  });

  it('a membership whose plan is no longer in the catalog is neither charged nor reminded', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'plan withdrawn');
    sinon.stub(app.container.get<PlanCatalog>(PRICING.PlanCatalog), 'find').returns(null);
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ charged: 0, skipped: 1, reminded: 0 });
    expect(renewalCharges(user.id)).to.deep.equal([]);
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_reminder')).to.deep.equal([]);
  });

  it('a reminder is written in the member\'s language', async () => {
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    const user = { id: 'user_en', email: 'reader@example.com', name: 'Reader', passwordHash: 'not-used', language: 'en' as const, createdAt: app.clock.now() };
    await app.users.add(user);
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: true });
    const gatewayPaymentId = app.gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
    await app.confirmPayment.execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
    app.clock.freezeAt(kst(`2027-02-${String(28 - app.config.reminderDays).padStart(2, '0')}T10:00`));
    expect(await app.renewals.execute()).to.include({ reminded: 1 });
    const [reminder] = app.notifier.sent.filter((n) => n.kind === 'renewal_reminder');
    expect(reminder.to).to.equal('reader@example.com');
    expect(reminder.subject).to.include('Your membership renews soon');
  });

  it('a decline the gateway gives no reason for is recorded as "the card was declined"', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'no reason');
    app.gateway.setCardDeclines(`cu_${user.id}`, true);
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => ({ ...(await charge.wrappedMethod.call(app.gateway, request)), failReason: null }));
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ failed: 1 });
    expect(app.eventsOfType('RenewalFailed').map((e) => (e.event.payload as { reason: string }).reason)).to.deep.equal(['the card was declined']);
  });

  // Was a defect: the refusal was recorded as a failed renewal of the next period (past due, a "renewal
  // failed" notice, the next charge moved) although the period's payment had been confirmed paid meanwhile.
  it('a charge refused after the period\'s payment was confirmed paid meanwhile counts as charged: no failure recorded, the payment stays paid', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'paid meanwhile');
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => {
      // The gateway took the money, its notice of it is applied first, and the call itself answers a refusal.
      const truth = await charge.wrappedMethod.call(app.gateway, request);
      await app.settlement.applyGatewayTruth(request.merchantUid, truth);
      throw new GatewayRejectedError('이미 결제 완료된 주문입니다', -1);
    });
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ charged: 1, failed: 0 });
    const membership = (await app.memberships.findLiveByUserId(user.id))!;
    expect(membership.toProps()).to.include({ status: 'active', periodNo: 2, renewalAttempts: 0 });
    expect(kstDate(membership.nextChargeAt!)).to.equal('2027-03-31');
    expect((await app.payments.findByMerchantUid(`renewal-${membership.id}-2`))?.status).to.equal('paid');
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  });

  it('a period\'s payment an earlier run saw paid is neither looked up nor charged again, and never withheld, whatever the ceiling says now', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'paid before');
    const membership = (await app.memberships.findLiveByUserId(user.id))!;
    // The earlier run's charge was confirmed paid; the membership's renewal (PaymentPaid) is still on its way.
    const paid = aPayment().forUser(user.id).with({
      merchantUid: `renewal-${membership.id}-2`, amount: 12900, customerUid: `cu_${user.id}`,
      purpose: { kind: 'renewal', planId: 'monthly', membershipId: membership.id, periodNo: 2 },
    }).paid(kst('2027-02-28T09:00')).build();
    await app.uow.run(() => app.payments.save(paid));
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    const asked = app.gateway.calls.length;
    expect(await app.renewals.execute()).to.include({ charged: 1, skipped: 0 });
    expect(app.gateway.calls.slice(asked).map((c) => c.operation)).to.deep.equal([]);
    expect((await app.memberships.findLiveByUserId(user.id))?.toProps()).to.include({ autoRenew: true, cancelAtPeriodEnd: false });
  });

  it('an unexpected error from the charge call stops the run; nothing is recorded as declined', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'unexpected');
    sinon.stub(app.gateway, 'chargeBillingKey').rejects(new TypeError('cannot read properties of undefined'));
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(((await app.renewals.execute().catch((e) => e)) as Error).message).to.equal('cannot read properties of undefined');
    const membership = (await app.memberships.findLiveByUserId(user.id))!;
    expect(membership.status).to.equal('active');
    expect((await app.payments.findByMerchantUid(`renewal-${membership.id}-2`))?.status).to.equal('await');
  });

  // Was a defect: a charge that failed the batch made the run publish its held events and stop, while the
  // other charges of the batch went on and committed into the held list after it was published: their
  // receipts waited for the relay, and those charges were still running after the run had answered.
  it('an unexpected error in one charge of a batch answers once the batch\'s other charges are done, and their receipts are sent', async () => {
    app = memoryApp({}, (config) => ({ ...config, renewalConcurrency: 2 }));
    const failing = await memberSince(kst('2027-01-31T10:00'), 'unexpected');
    const slow = await memberSince(kst('2027-01-31T10:00'), 'slow but fine');
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => {
      if (request.customerUid === `cu_${failing.id}`) throw new TypeError('cannot read properties of undefined');
      await new Promise((resolve) => setTimeout(resolve, 20));
      return charge.wrappedMethod.call(app.gateway, request);
    });
    app.clock.freezeAt(kst('2027-02-28T10:00'));

    expect(((await app.renewals.execute().catch((e) => e)) as Error).message).to.equal('cannot read properties of undefined');
    expect((await app.memberships.findLiveByUserId(slow.id))?.periodNo, 'the other charge is done when the run answers').to.equal(2);
    expect(app.notifier.sent.filter((n) => n.kind === 'receipt').map((n) => n.to)).to.deep.equal([slow.email]);
  });

  // Was a defect: a batch failing the run answered while the batch before it was still publishing its
  // events; the CLI then closed the database under those receipts (sent, not marked sent: mailed again).
  it('a run that fails in a later batch answers once the earlier batches\' events are published', async () => {
    app = memoryApp({}, (config) => ({ ...config, renewalBatchSize: 1 }));
    const first = await memberSince(kst('2027-01-31T10:00'), 'charged in the first batch');
    await memberSince(kst('2027-01-31T10:00'), 'failing the second batch');
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => {
      if (charge.callCount > 1) throw new TypeError('cannot read properties of undefined');
      return charge.wrappedMethod.call(app.gateway, request);
    });
    const send = sinon.stub(app.notifier, 'send').callsFake(async (notice) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return send.wrappedMethod.call(app.notifier, notice);
    });
    app.clock.freezeAt(kst('2027-02-28T10:00'));

    expect(((await app.renewals.execute().catch((e) => e)) as Error).message).to.equal('cannot read properties of undefined');
    expect(app.notifier.sent.filter((n) => n.kind === 'receipt').map((n) => n.to)).to.deep.equal([first.email]);
    expect(app.eventsOfType('MembershipRenewed').map((e) => e.delivered)).to.deep.equal([true]);
  });

  it('charges at most the configured number of memberships at once', async () => {
    app = memoryApp({}, (config) => ({ ...config, renewalConcurrency: 2 }));
    for (let n = 0; n < 5; n++) await memberSince(kst('2027-01-31T10:00'), `member ${n}`);
    let inFlight = 0;
    let most = 0;
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return charge.wrappedMethod.call(app.gateway, request);
    });
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ charged: 5 });
    expect(most).to.equal(2);
  });

  it('a member whose record cannot be read is still reminded and charged: no name for the gateway, no address for the notice', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'unreadable');
    sinon.stub(app.users, 'findByIds').resolves([]);
    app.clock.freezeAt(kst(`2027-02-${String(28 - app.config.reminderDays).padStart(2, '0')}T10:00`));
    expect(await app.renewals.execute()).to.include({ reminded: 1 });
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_reminder').map((n) => n.to)).to.deep.equal(['']);
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ charged: 1 });
    const [charge] = renewalCharges(user.id).map((c) => c.args as { buyerName?: string; buyerEmail?: string });
    expect([charge.buyerName, charge.buyerEmail]).to.deep.equal([undefined, undefined]);
  });

  it('a member who cancels while their declined charge is in flight stays cancelled, not past due', async () => {
    const user = await memberSince(kst('2027-01-31T10:00'), 'leaving');
    app.gateway.setCardDeclines(`cu_${user.id}`, true);
    const charge = sinon.stub(app.gateway, 'chargeBillingKey');
    charge.callsFake(async (request) => {
      await app.container.get<CancelMembership>(MEMBERSHIP.CancelMembership).execute({ userId: user.id, refund: false, reason: null, endNow: true });
      return charge.wrappedMethod.call(app.gateway, request);
    });
    app.clock.freezeAt(kst('2027-02-28T10:00'));
    expect(await app.renewals.execute()).to.include({ failed: 1 });
    expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('cancelled');
    expect(app.eventsOfType('RenewalFailed')).to.deep.equal([]);
  });
});
