import { expect } from 'chai';
import { DateTime } from 'luxon';
import sinon from 'sinon';
import type { NotificationLog } from '../../../src/billing/application/notification-log.port';
import type { SeekConsents } from '../../../src/billing/application/seek-consents.use-case';
import { BILLING } from '../../../src/billing/billing.tokens';
import type { AppConfig } from '../../../src/config';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { PlanCatalog } from '../../../src/pricing/pricing.api';
import { PRICING } from '../../../src/pricing/pricing.tokens';
import type { Logger } from '../../../src/shared/application/logger.port';
import { SHARED } from '../../../src/shared/shared.tokens';
import { memoryApp, type MemoryApp } from '../../support/memory-container';
import { rejection } from '../../support/rejection';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();
const DAY = 24 * 60 * 60 * 1000;
const withTrial = (config: AppConfig): AppConfig => ({ ...config, plans: config.plans.map((p) => (p.id === 'monthly' ? { ...p, trialDays: 14 } : p)) });

/** What SeekConsents does on its own (the first step of every renewal run): what it opens, stops and sends, and what it counts. */
describe('seeking consent before a higher charge (SeekConsents, in-memory adapters, virtual clock)', () => {
  let app: MemoryApp;
  let seek: SeekConsents;

  function start(env: Record<string, string> = {}, adjust: (config: AppConfig) => AppConfig = withTrial) {
    app = memoryApp(env, adjust);
    seek = app.container.get<SeekConsents>(BILLING.SeekConsents);
  }

  beforeEach(() => start());
  afterEach(() => sinon.restore());

  /** A member renewing on the 10th at 10:00 of each month, since 2027-01-10, at 9,900 KRW. */
  async function renewingMember(name = 'Kim Buyer') {
    app.clock.freezeAt(kst('2027-01-10T10:00'));
    return app.autoRenewingMember(name);
  }

  /** The same member, and 12,900 KRW from 2027-02-01: their charge of 2027-02-10 needs their consent. */
  async function memberFacingRise() {
    const user = await renewingMember();
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    return user;
  }

  async function seekAt(at: Date) {
    app.clock.freezeAt(at);
    return seek.execute(at);
  }

  async function trialFrom(at: Date, name = 'Kim Trial') {
    app.clock.freezeAt(at);
    const user = await app.newUser(name);
    app.gateway.buyerStoresCard((await app.startTrial.offer(user.id, 'monthly')).customerUid);
    const membership = await app.startTrial.confirm(user.id, 'monthly');
    return { user, membership };
  }

  const sentOf = (kind: string) => app.notifier.sent.filter((n) => n.kind === kind);
  /** The log lines at `level` with that message: the fields each was logged with. */
  function logged(level: 'info' | 'warn') {
    const spy = sinon.spy(app.container.get<Logger>(SHARED.Logger), level);
    return (message: string) => spy.args.filter(([, m]) => m === message).map(([fields]) => fields);
  }

  describe('what a run counts', () => {
    it('counts each request it opens, once', async () => {
      await memberFacingRise();
      expect(await seekAt(kst('2027-01-11T10:00'))).to.deep.equal({ opened: 1, stopped: 0, trialNotices: 0 });
      expect(await seekAt(kst('2027-01-12T10:00'))).to.deep.equal({ opened: 0, stopped: 0, trialNotices: 0 });
    });

    it('counts a renewal stopped when its request goes unanswered past the deadline', async () => {
      await memberFacingRise();
      await seekAt(kst('2027-01-11T10:00'));
      expect(await seekAt(kst('2027-02-09T10:00'))).to.deep.equal({ opened: 0, stopped: 1, trialNotices: 0 });
    });

    it('counts a trial notice sent, and not again on the next run', async () => {
      const { membership } = await trialFrom(kst('2027-01-10T10:00'));
      const noticeAt = new Date(membership.periodEnd.getTime() - 7 * DAY);
      expect(await seekAt(noticeAt)).to.deep.equal({ opened: 1, stopped: 0, trialNotices: 1 });
      expect(await seekAt(noticeAt)).to.deep.equal({ opened: 0, stopped: 0, trialNotices: 0 });
    });
  });

  describe('when there is no time left to ask', () => {
    it('a rise scheduled after the deadline stops the renewal at once: the member is told, not asked', async () => {
      const user = await renewingMember();
      // Answers are taken until the day before the change: 2027-02-09T10:00 for the charge at 2027-02-10T10:00.
      app.clock.freezeAt(kst('2027-02-09T11:00'));
      await app.schedulePrice.execute('monthly', 12900, kst('2027-02-09T12:00'));
      expect(await seekAt(kst('2027-02-09T11:00'))).to.deep.equal({ opened: 0, stopped: 1, trialNotices: 0 });
      expect(await app.consents.listByUser(user.id)).to.deep.equal([]);
      expect(sentOf('consent_request')).to.deep.equal([]);
      expect(sentOf('consent_missing').map((n) => n.to)).to.deep.equal([user.email]);
    });

    it('the deadline itself is too late: a request would open already closed', async () => {
      const user = await renewingMember();
      app.clock.freezeAt(kst('2027-02-09T09:00'));
      await app.schedulePrice.execute('monthly', 12900, kst('2027-02-09T09:30'));
      expect(await seekAt(kst('2027-02-09T10:00'))).to.deep.include({ opened: 0, stopped: 1 });
      expect(await app.consents.listByUser(user.id)).to.deep.equal([]);
    });
  });

  describe('which renewals it looks at', () => {
    it('pages through every membership a rise may concern, past a page of them', async () => {
      // Pages of 10 (batch 1 × 10): 11 members facing the rise span two pages.
      start({}, (config) => withTrial({ ...config, renewalBatchSize: 1 }));
      app.clock.freezeAt(kst('2027-01-10T10:00'));
      for (let n = 0; n < 11; n++) await app.autoRenewingMember(`member ${n}`);
      await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
      expect(await seekAt(kst('2027-01-11T10:00'))).to.include({ opened: 11 });
      expect(sentOf('consent_request')).to.have.length(11);
    });

    it('expires an unanswered request with the smallest batch', async () => {
      start({}, (config) => withTrial({ ...config, renewalBatchSize: 1 }));
      const user = await memberFacingRise();
      await seekAt(kst('2027-01-11T10:00'));
      expect(await seekAt(kst('2027-02-09T10:00'))).to.include({ stopped: 1 });
      expect((await app.consents.listByUser(user.id)).map((r) => r.status)).to.deep.equal(['expired']);
    });

    it('a rise that falls back later still asks consent for the period it prices', async () => {
      const user = await memberFacingRise();
      await app.schedulePrice.execute('monthly', 9900, kst('2027-02-20T00:00'));
      expect(await seekAt(kst('2027-01-11T10:00'))).to.include({ opened: 1 });
      expect((await app.consents.listByUser(user.id)).map((r) => [r.periodNo, r.newAmount])).to.deep.equal([[2, 12900]]);
    });

    it('after runs stopped across a period end, a rise that priced that period and was replaced since still stops its renewal', async () => {
      const user = await renewingMember();
      await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
      await app.schedulePrice.execute('monthly', 9900, kst('2027-02-12T00:00'));
      // No run between 2027-01-10 and 2027-02-13: the period starting 2027-02-10 costs 12,900, today's price is 9,900 again.
      expect(await seekAt(kst('2027-02-13T10:00'))).to.include({ opened: 0, stopped: 1 });
      expect((await app.memberships.findLiveByUserId(user.id))?.autoRenew).to.equal(false);
    });

    it('passes over a membership whose plan is no longer in the catalog', async () => {
      const user = await memberFacingRise();
      sinon.stub(app.container.get<PlanCatalog>(PRICING.PlanCatalog), 'find').returns(null);
      expect(await seekAt(kst('2027-01-11T10:00'))).to.deep.equal({ opened: 0, stopped: 0, trialNotices: 0 });
      expect(await app.consents.listByUser(user.id)).to.deep.equal([]);
    });

    it('asks no sooner than the consent window, even when the trial notice looks further ahead', async () => {
      start({ CONSENT_WINDOW_DAYS: '5', TRIAL_NOTICE_DAYS: '7' });
      const { user, membership } = await trialFrom(kst('2027-01-10T10:00'));
      expect(await seekAt(new Date(membership.periodEnd.getTime() - 7 * DAY))).to.deep.equal({ opened: 0, stopped: 0, trialNotices: 1 });
      expect(await app.consents.listByUser(user.id)).to.deep.equal([]);
      expect(await seekAt(new Date(membership.periodEnd.getTime() - 5 * DAY))).to.include({ opened: 1 });
    });
  });

  describe('a membership that changed while its request was pending', () => {
    it('cancelled at the period end: the request expires, nothing is stopped and the member is not told again', async () => {
      const user = await memberFacingRise();
      await seekAt(kst('2027-01-11T10:00'));
      await app.container.get<CancelMembership>(MEMBERSHIP.CancelMembership).execute({ userId: user.id, refund: false, reason: null });
      expect(await seekAt(kst('2027-02-09T10:00'))).to.include({ stopped: 0 });
      expect((await app.consents.listByUser(user.id)).map((r) => r.status)).to.deep.equal(['expired']);
      expect(sentOf('consent_missing')).to.deep.equal([]);
    });

    it('ended with a refund: the request expires without touching the ended membership', async () => {
      const user = await memberFacingRise();
      await seekAt(kst('2027-01-11T10:00'));
      await app.container.get<CancelMembership>(MEMBERSHIP.CancelMembership).execute({ userId: user.id, refund: true, reason: null });
      expect(await seekAt(kst('2027-02-09T10:00'))).to.include({ stopped: 0 });
      expect((await app.memberships.findLatestByUserId(user.id))?.status).to.equal('cancelled');
      expect(sentOf('consent_missing')).to.deep.equal([]);
    });

    it('its plan withdrawn from the catalog: the request expires and the renewal stops, with no notice naming a plan it cannot name', async () => {
      const user = await memberFacingRise();
      await seekAt(kst('2027-01-11T10:00'));
      sinon.stub(app.container.get<PlanCatalog>(PRICING.PlanCatalog), 'find').returns(null);
      expect(await seekAt(kst('2027-02-09T10:00'))).to.include({ stopped: 1 });
      expect((await app.memberships.findLiveByUserId(user.id))?.autoRenew).to.equal(false);
      expect(sentOf('consent_missing')).to.deep.equal([]);
    });

    it('a request or membership that cannot be read any more is passed over', async () => {
      const user = await memberFacingRise();
      await seekAt(kst('2027-01-11T10:00'));
      sinon.stub(app.consents, 'findById').resolves(null);
      sinon.stub(app.memberships, 'findById').resolves(null);
      expect(await seekAt(kst('2027-02-09T10:00'))).to.include({ stopped: 0 });
      expect((await app.memberships.findLiveByUserId(user.id))?.autoRenew).to.equal(true);
    });
  });

  describe('two runs at once', () => {
    it('open one request and send its notices once', async () => {
      const user = await memberFacingRise();
      app.clock.freezeAt(kst('2027-01-11T10:00'));
      const [a, b] = await Promise.all([seek.execute(app.clock.now()), seek.execute(app.clock.now())]);
      expect(a.opened + b.opened).to.equal(1);
      expect(await app.consents.listByUser(user.id)).to.have.length(1);
      expect(sentOf('consent_request')).to.have.length(1);
      expect(app.sms.sent.filter((s) => s.kind === 'consent_request')).to.have.length(1);
    });

    it('send the trial notice once', async () => {
      const { membership } = await trialFrom(kst('2027-01-10T10:00'));
      app.clock.freezeAt(new Date(membership.periodEnd.getTime() - 7 * DAY));
      const [a, b] = await Promise.all([seek.execute(app.clock.now()), seek.execute(app.clock.now())]);
      expect(a.trialNotices + b.trialNotices).to.equal(1);
      expect(sentOf('trial_ending')).to.have.length(1);
    });
  });

  it('a request that cannot be saved for another reason than a conflict stops the run', async () => {
    await memberFacingRise();
    sinon.stub(app.consents, 'save').rejects(new Error('disk full'));
    expect(((await rejection(seekAt(kst('2027-01-11T10:00')))) as Error).message).to.equal('disk full');
    expect(sentOf('consent_request')).to.deep.equal([]);
  });

  describe('the notices', () => {
    it('the trial notice is kept in the notification log as the trial_ending of period 0', async () => {
      const { membership } = await trialFrom(kst('2027-01-10T10:00'));
      await seekAt(new Date(membership.periodEnd.getTime() - 7 * DAY));
      const log = app.container.get<NotificationLog>(BILLING.NotificationLog);
      expect(await log.isSent({ membershipId: membership.id, periodNo: 0, kind: 'trial_ending', attempt: 0 })).to.equal(true);
    });

    it('the consent request and the trial notice are written in the member\'s language', async () => {
      app.clock.freezeAt(kst('2027-01-10T10:00'));
      await app.users.add({ id: 'user_en', email: 'reader@example.com', name: 'Reader', passwordHash: 'not-used', language: 'en', createdAt: app.clock.now() });
      const offer = await app.startTrial.offer('user_en', 'monthly');
      app.gateway.buyerStoresCard(offer.customerUid);
      const membership = await app.startTrial.confirm('user_en', 'monthly');
      await seekAt(new Date(membership.periodEnd.getTime() - 7 * DAY));
      const korean = /[가-힣]/;
      for (const kind of ['consent_request', 'trial_ending']) {
        const [notice] = sentOf(kind);
        expect(notice.to, kind).to.equal('reader@example.com');
        expect(notice.subject, kind).not.to.match(korean);
      }
    });

    it('a member whose record cannot be read is still asked and told: in Korean, with no address for the adapters to reach', async () => {
      const { membership } = await trialFrom(kst('2027-01-10T10:00'));
      sinon.stub(app.users, 'findById').resolves(null);
      expect(await seekAt(new Date(membership.periodEnd.getTime() - 7 * DAY))).to.deep.equal({ opened: 1, stopped: 0, trialNotices: 1 });
      expect(sentOf('consent_request').map((n) => [n.to, /[가-힣]/.test(n.subject)])).to.deep.equal([['', true]]);
      expect(sentOf('trial_ending').map((n) => [n.to, /[가-힣]/.test(n.subject)])).to.deep.equal([['', true]]);
      expect(app.sms.sent.map((s) => [s.kind, s.to])).to.deep.equal([['consent_request', null], ['trial_ending', null]]);
    });

    it('a consent e-mail that cannot be sent is logged at warn; the request stands and its SMS goes', async () => {
      const user = await memberFacingRise();
      const warned = logged('warn');
      sinon.stub(app.notifier, 'send').rejects(new Error('smtp down'));
      expect(await seekAt(kst('2027-01-11T10:00'))).to.include({ opened: 1 });
      expect(warned('consent notice not sent')).to.deep.equal([{ userId: user.id, kind: 'consent_request', err: 'smtp down' }]);
      expect(app.sms.sent.map((s) => s.kind)).to.deep.equal(['consent_request']);
    });

    it('an SMS that cannot be sent is logged at warn with the member, the kind and the error', async () => {
      const user = await memberFacingRise();
      const warned = logged('warn');
      sinon.stub(app.sms, 'send').rejects(new Error('SMS provider answered 503'));
      await seekAt(kst('2027-01-11T10:00'));
      expect(warned('sms notice not sent')).to.deep.equal([{ userId: user.id, kind: 'consent_request', err: 'SMS provider answered 503' }]);
    });

    it('a trial notice that cannot be sent is logged at warn, not counted, and sent by the next run', async () => {
      const { user, membership } = await trialFrom(kst('2027-01-10T10:00'));
      const warned = logged('warn');
      const noticeAt = new Date(membership.periodEnd.getTime() - 7 * DAY);
      const send = sinon.stub(app.notifier, 'send').rejects(new Error('smtp down'));
      expect(await seekAt(noticeAt)).to.include({ trialNotices: 0 });
      expect(warned('trial notice not sent; will retry')).to.deep.equal([{ membershipId: membership.id, err: 'smtp down' }]);
      send.restore();
      expect(await seekAt(noticeAt)).to.include({ trialNotices: 1 });
      expect(sentOf('trial_ending').map((n) => n.to)).to.deep.equal([user.email]);
    });
  });
});
