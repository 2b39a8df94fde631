import { expect } from 'chai';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import { NOTICE_HOLD_MS, type NotificationKey, type NotificationLog } from '../../../src/billing/application/notification-log.port';
import { NoticeHeldError, type SendMemberNotices } from '../../../src/billing/application/send-member-notices.handler';
import { BILLING } from '../../../src/billing/billing.tokens';
import { MembershipEvents } from '../../../src/membership/domain/membership.events';
import type { MemberNoticeEvent } from '../../../src/billing/application/send-member-notices.handler';
import { memoryApp, type MemoryApp } from '../../support/memory-container';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();

// Was a defect: a notice's key was taken for good before the notice was sent, so a process killed
// in between (SIGKILL, out of memory, a deploy) lost that reminder or receipt for ever. Seen in the
// scale-out test: an instance killed mid-run left receipts that nobody ever sent.
describe('notices survive a process that died between taking and sending them (in-memory adapters)', () => {
  let app: MemoryApp;
  let log: NotificationLog;

  beforeEach(() => {
    app = memoryApp();
    log = app.container.get<NotificationLog>(BILLING.NotificationLog);
  });

  /** What a process does before it dies mid-send: takes the key, sends nothing. */
  async function takenByADeadProcess(key: NotificationKey) {
    const now = app.clock.now();
    expect(await log.claim(key, now, new Date(now.getTime() + NOTICE_HOLD_MS))).to.equal(true);
  }

  it('a reminder goes out on a run after the dead taker\'s hold has run out, and once', async () => {
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    const user = await app.autoRenewingMember('reminded');
    const membership = await app.memberships.findLiveByUserId(user.id);
    app.clock.freezeAt(kst('2027-02-26T10:00')); // inside the 3 days before the charge on 02-28
    await takenByADeadProcess({ membershipId: membership!.id, periodNo: 2, kind: 'renewal_reminder', attempt: 0 });
    const reminders = () => app.notifier.sent.filter((n) => n.kind === 'renewal_reminder' && n.to === user.email);

    expect(await app.renewals.execute(), 'inside the hold').to.include({ reminded: 0 });
    expect(reminders()).to.have.length(0);
    app.clock.advance(NOTICE_HOLD_MS);
    expect(await app.renewals.execute(), 'the hold ran out').to.include({ reminded: 1 });
    expect(await app.renewals.execute(), 'a run after').to.include({ reminded: 0 });
    expect(reminders()).to.have.length(1);
  });

  it('a receipt: deliveries fail while the dead taker holds it (the event stays for the relay), then one sends it, once', async () => {
    const user = await app.newUser('receipt');
    // An order for the receipt to state (the event below is delivered by hand, as the relay would).
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const activated: MemberNoticeEvent = {
      id: 'ev_1', type: MembershipEvents.Activated, aggregateId: 'ms_1', occurredAt: app.clock.now(),
      payload: { membershipId: 'ms_1', userId: user.id, planId: 'monthly', periodNo: 1, paymentId: payment.id, periodStart: app.clock.now().toISOString(), periodEnd: app.clock.now().toISOString() },
    };
    await takenByADeadProcess({ membershipId: 'ms_1', periodNo: 1, kind: 'receipt', attempt: 0 });
    const notices = app.container.get<SendMemberNotices>(BILLING.SendMemberNotices);
    const receipts = () => app.notifier.sent.filter((n) => n.kind === 'receipt' && n.to === user.email);

    const held = await notices.handle(activated).then(() => null, (error: Error) => error);
    expect(held).to.be.instanceOf(NoticeHeldError);
    expect(receipts()).to.have.length(0);
    app.clock.advance(NOTICE_HOLD_MS);
    await notices.handle(activated);
    await notices.handle(activated);
    expect(receipts()).to.have.length(1);
  });
});

describe('renewal-failure notice keys (in-memory adapters)', () => {
  it('keys a declined renewal by (membership, period, renewal_failed, attempt); an event recorded before it carried its period keeps its old key', async () => {
    const app = memoryApp();
    const log = app.container.get<NotificationLog>(BILLING.NotificationLog);
    const notices = app.container.get<SendMemberNotices>(BILLING.SendMemberNotices);
    const user = await app.newUser('declined');
    const failed = (id: string, payload: { periodNo?: number; attempt: number }): MemberNoticeEvent => ({
      id, type: MembershipEvents.RenewalFailed, aggregateId: 'ms_1', occurredAt: app.clock.now(),
      payload: { membershipId: 'ms_1', userId: user.id, reason: 'declined', finalAttempt: false, ...payload },
    });

    await notices.handle(failed('ev_1', { periodNo: 2, attempt: 1 }));
    await notices.handle(failed('ev_1', { periodNo: 2, attempt: 1 })); // delivered again
    await notices.handle(failed('ev_2', { periodNo: 5, attempt: 1 }));
    expect(await log.isSent({ membershipId: 'ms_1', periodNo: 2, kind: 'renewal_failed', attempt: 1 })).to.equal(true);
    expect(await log.isSent({ membershipId: 'ms_1', periodNo: 5, kind: 'renewal_failed', attempt: 1 })).to.equal(true);

    // Sent by the previous version under (period = attempt 1, attempt 0): its redelivery is not sent twice.
    await notices.handle(failed('ev_old', { attempt: 1 }));
    expect(await log.isSent({ membershipId: 'ms_1', periodNo: 1, kind: 'renewal_failed', attempt: 0 })).to.equal(true);
    await notices.handle(failed('ev_old', { attempt: 1 }));
    expect(app.notifier.sent.filter((n) => n.kind === 'renewal_failed' && n.to === user.email)).to.have.length(3);
  });
});

describe('receipts the relay hands over in a batch (in-memory adapters)', () => {
  let app: MemoryApp;
  let log: NotificationLog;
  let notices: SendMemberNotices;

  beforeEach(() => {
    app = memoryApp();
    log = app.container.get<NotificationLog>(BILLING.NotificationLog);
    notices = app.container.get<SendMemberNotices>(BILLING.SendMemberNotices);
  });
  afterEach(() => sinon.restore());

  async function receiptEvent(name: string): Promise<MemberNoticeEvent> {
    const user = await app.newUser(name);
    const { payment } = await app.startCheckout.execute({ userId: user.id, planId: 'monthly', payMethod: 'card', autoRenew: false });
    const at = app.clock.now();
    return {
      id: `ev_${name}`, type: MembershipEvents.Activated, aggregateId: `ms_${name}`, occurredAt: at,
      payload: { membershipId: `ms_${name}`, userId: user.id, planId: 'monthly', periodNo: 1, paymentId: payment.id, periodStart: at.toISOString(), periodEnd: at.toISOString() },
    };
  }
  const receiptKey = (event: MemberNoticeEvent): NotificationKey => ({ membershipId: event.aggregateId, periodNo: 1, kind: 'receipt', attempt: 0 });
  const receiptsTo = () => app.notifier.sent.filter((n) => n.kind === 'receipt').map((n) => n.to).sort();

  it('sends each receipt once: payments and members read at once, keys taken and marked sent one write each per ten', async () => {
    const events = await Promise.all(Array.from({ length: 12 }, (_, i) => receiptEvent(`b${i}`)));
    const byIds = sinon.spy(app.users, 'findByIds');
    const byId = sinon.spy(app.users, 'findById');
    const paymentsByIds = sinon.spy(app.payments, 'findByIds');
    const paymentById = sinon.spy(app.payments, 'findById');
    const claimEach = sinon.spy(log, 'claimEach');
    const sentEach = sinon.spy(log, 'sentEach');

    expect(await notices.handleMany(events)).to.deep.equal([]);
    expect(receiptsTo()).to.have.length(12);
    expect([paymentsByIds.callCount, paymentById.callCount, byIds.callCount, byId.callCount]).to.deep.equal([1, 0, 1, 0]);
    expect(claimEach.args.map(([keys]) => keys.length)).to.deep.equal([10, 2]);
    expect(sentEach.args.map(([keys]) => keys.length)).to.deep.equal([10, 2]);
    expect(await log.taken(events.map(receiptKey), app.clock.now())).to.have.length(12);
    for (const event of events) expect(await log.isSent(receiptKey(event))).to.equal(true);

    expect(await notices.handleMany(events), 'delivered again').to.deep.equal([]);
    expect(receiptsTo(), 'nothing sent twice').to.have.length(12);
  });

  it('reports only the events whose notice could not go out: held by another delivery, or refused by the mailer (key given back); a deleted account gets none', async () => {
    const [sent, held, refused, deleted] = await Promise.all(['sent', 'held', 'refused', 'deleted'].map(receiptEvent));
    const now = app.clock.now();
    await log.claim(receiptKey(held), now, new Date(now.getTime() + NOTICE_HOLD_MS));
    await app.users.anonymise(deleted.payload.userId as string);
    const refusedUser = (await app.users.findById(refused.payload.userId as string))!;
    const send = app.notifier.send.bind(app.notifier);
    sinon.stub(app.notifier, 'send').callsFake(async (notice) => {
      if (notice.to === refusedUser.email) throw new Error('mailbox unavailable');
      return send(notice);
    });

    const failures = await notices.handleMany([sent, held, refused, deleted]);
    expect(failures.map((f) => [f.event.id, (f.error as Error).name ?? ''])).to.deep.equal([['ev_held', 'NoticeHeldError'], ['ev_refused', 'Error']]);
    expect(app.notifier.sent.map((n) => n.kind)).to.deep.equal(['receipt']);
    expect(await log.isSent(receiptKey(sent))).to.equal(true);
    expect(await log.taken([receiptKey(refused)], now), 'given back').to.deep.equal([]);
    expect(await log.taken([receiptKey(deleted)], now), 'never taken').to.deep.equal([]);
  });

  // attacker-findings-8b: the keys a chunk took were a set, so every event of the batch under one key sent its notice.
  it('two events of one batch under the same key send one notice: the other is held, then found sent when the relay brings it again', async () => {
    const first = await receiptEvent('twice');
    const again: MemberNoticeEvent = { ...first, id: 'ev_twice_again' };

    const failures = await notices.handleMany([first, again]);
    expect(receiptsTo(), 'one notice per key').to.have.length(1);
    expect(failures.map((f) => [f.event.id, (f.error as Error).name])).to.deep.equal([['ev_twice_again', 'NoticeHeldError']]);
    expect(await notices.handleMany([again]), 'brought again').to.deep.equal([]);
    expect(receiptsTo()).to.have.length(1);
  });
});

// attacker-findings-8b: reminders are taken ten at a time and marked sent after the ten (sentEach).
describe('reminders of a renewal run taken ten at a time (in-memory adapters)', () => {
  afterEach(() => sinon.restore());

  it('a reminder that could not be sent and whose key cannot be given back (the database blinks) leaves the reminders sent before it marked sent: none goes out twice', async () => {
    const app = memoryApp();
    const log = app.container.get<NotificationLog>(BILLING.NotificationLog);
    app.clock.freezeAt(kst('2027-01-31T10:00'));
    const members = [await app.autoRenewingMember('first'), await app.autoRenewingMember('second')];
    app.clock.freezeAt(kst('2027-02-26T10:00')); // inside the 3 days before the charges on 02-28
    const send = app.notifier.send.bind(app.notifier);
    let reminders = 0;
    const mailer = sinon.stub(app.notifier, 'send').callsFake(async (notice) => {
      if (notice.kind === 'renewal_reminder' && ++reminders === 2) throw new Error('mailbox unavailable');
      return send(notice);
    });
    const release = sinon.stub(log, 'release').rejects(new Error('database unavailable'));

    await app.renewals.execute().catch(() => undefined);
    mailer.restore();
    release.restore();
    app.clock.advance(NOTICE_HOLD_MS);
    await app.renewals.execute();

    const sentTo = (email: string) => app.notifier.sent.filter((n) => n.kind === 'renewal_reminder' && n.to === email).length;
    expect(members.map((m) => sentTo(m.email))).to.deep.equal([1, 1]);
  });
});
