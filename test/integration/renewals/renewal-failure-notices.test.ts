// A member on the annual plan renews for ten years under a virtual clock stepped a day at a time
// around each renewal (the quiet months between are skipped);
// the renewals of periods 2, 5 and 9 are declined once and succeed on the dunning retry. Each
// declined period gets its own failure notice: the notice key is (membership, period, kind,
// attempt), so period 2's notice does not make period 5's or 9's look sent. Runs on the in-memory
// adapters and on SQLite (where the unique index of the notifications table is the guard).
import { expect } from 'chai';
import type { Container } from 'inversify';
import { DateTime } from 'luxon';
import type { RunRenewals } from '../../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../../src/billing/billing.tokens';
import { loadConfig } from '../../../src/config';
import { buildContainer } from '../../../src/app/container';
import type { UserRepository } from '../../../src/identity/application/user-repository.port';
import { IDENTITY } from '../../../src/identity/identity.tokens';
import type { MembershipRepository } from '../../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import type { ConfirmPayment } from '../../../src/payment/application/confirm-payment.use-case';
import type { StartCheckout } from '../../../src/payment/application/start-checkout.use-case';
import type { MemoryPaymentGateway } from '../../../src/payment/infrastructure/memory/memory-payment.gateway';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import type { ControllableClock } from '../../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { MemoryNotifier } from '../../../src/shared/infrastructure/memory/memory-notifier';
import { SHARED } from '../../../src/shared/shared.tokens';
import { createSqliteTestDatabase, type TestDatabase } from '../../support/database';

const DAY = 24 * 60 * 60 * 1000;
const YEARS = 10;
const DECLINED_ONCE = new Set([2, 5, 9]);
const START = DateTime.fromISO('2027-01-31T10:00', { zone: 'Asia/Seoul' }).toJSDate();

type Kind = 'renewal_reminder' | 'renewal_failed' | 'receipt';
interface PeriodRow { charges: number; renewal_reminder: number; renewal_failed: number; receipt: number }

const ENGINES: Array<{ label: string; open(): Promise<{ container: Container; database: TestDatabase | null }> }> = [
  {
    label: 'in-memory adapters',
    open: async () => ({ container: buildContainer(loadConfig({ LOG_LEVEL: 'silent' }), { logger: silentLogger(), persistence: 'memory', gateway: 'memory' }), database: null }),
  },
  {
    label: 'SQLite',
    open: async () => {
      const database = await createSqliteTestDatabase();
      const container = buildContainer(loadConfig({ LOG_LEVEL: 'silent' }), { logger: silentLogger(), persistence: 'knex', gateway: 'memory', database: database.database });
      return { container, database };
    },
  },
];

for (const engine of ENGINES) {
  describe(`renewal-failure notices over ${YEARS} years of annual renewals (${engine.label}, virtual clock)`, function () {
    this.timeout(120_000);
    let database: TestDatabase | null = null;
    afterEach(async () => { await database?.drop(); });

    it('periods 2, 5 and 9 each declined once, then paid on the retry: exactly one failure notice for each of them', async () => {
      const opened = await engine.open();
      database = opened.database;
      const { container } = opened;
      const notifier = new MemoryNotifier();
      container.rebind(SHARED.Notifier).toConstantValue(notifier);
      const clock = container.get<ControllableClock>(SHARED.Clock);
      clock.freezeAt(START);
      container.get(SHARED.EventBus); // activates the subscriptions
      const gateway = container.get<MemoryPaymentGateway>(PAYMENT.PaymentGateway);
      const memberships = container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository);
      const renewals = container.get<RunRenewals>(BILLING.RunRenewals);

      const user = { id: 'member_1', email: 'member_1@example.com', name: 'Ten Years', passwordHash: 'not-used', createdAt: START, language: 'ko' as const };
      await container.get<UserRepository>(IDENTITY.UserRepository).add(user);
      const { payment } = await container.get<StartCheckout>(PAYMENT.StartCheckout).execute({ userId: user.id, planId: 'annual', payMethod: 'card', autoRenew: true });
      const gatewayPaymentId = gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount, customerUid: payment.customerUid });
      await container.get<ConfirmPayment>(PAYMENT.ConfirmPayment).execute({ userId: user.id, merchantUid: payment.merchantUid, transactionId: gatewayPaymentId });
      const card = payment.customerUid as string;

      const periods = new Map<number, PeriodRow>();
      const rowOf = (periodNo: number) => periods.get(periodNo) ?? periods.set(periodNo, { charges: 0, renewal_reminder: 0, renewal_failed: 0, receipt: 0 }).get(periodNo) as PeriodRow;
      const charges = () => gateway.calls.filter((c) => c.operation === 'chargeBillingKey').length;
      const end = START.getTime() + YEARS * 366 * DAY;
      for (let t = START.getTime() + DAY; t <= end; t += DAY) {
        clock.freezeAt(new Date(t));
        const membership = await memberships.findLiveByUserId(user.id);
        if (!membership) break;
        // The period this run would charge (or remind of), and whether its first attempt is the one to decline.
        const periodNo = membership.nextPeriodNo;
        gateway.setCardDeclines(card, DECLINED_ONCE.has(periodNo) && membership.renewalAttempts === 0);
        const [chargesBefore, noticesBefore] = [charges(), notifier.sent.length];
        await renewals.execute();
        rowOf(periodNo).charges += charges() - chargesBefore;
        for (const notice of notifier.sent.slice(noticesBefore)) rowOf(periodNo)[notice.kind as Kind] += 1;
        // Nothing happens between a paid renewal and the days before the next charge: skip to a week before it,
        // then go on a day at a time through the reminder, the charge and any retries.
        const after = await memberships.findLiveByUserId(user.id);
        const quietUntil = after?.nextChargeAt && after.renewalAttempts === 0 ? after.nextChargeAt.getTime() - 7 * DAY : 0;
        if (quietUntil > t + DAY) t = quietUntil - DAY;
      }

      const table = [...periods.entries()].sort(([a], [b]) => a - b).map(([period, row]) => ({ period, ...row }))
        .filter((r) => r.charges + r.renewal_reminder + r.renewal_failed + r.receipt > 0);
      console.log(`      notices per period (${engine.label}):`);
      console.log('      period | charge attempts | reminders | failure notices | receipts');
      for (const r of table) {
        console.log(`      ${String(r.period).padStart(6)} | ${String(r.charges).padStart(15)} | ${String(r.renewal_reminder).padStart(9)} | ${String(r.renewal_failed).padStart(15)} | ${String(r.receipt).padStart(8)}`);
      }

      const final = await memberships.findLiveByUserId(user.id);
      expect(final?.periodNo, 'ten renewals paid').to.equal(YEARS + 1);
      expect(notifier.sent.filter((n) => n.kind === 'renewal_failed'), 'failure notices in all').to.have.length(3);
      expect(table.filter((r) => r.renewal_failed > 0).map((r) => [r.period, r.renewal_failed])).to.deep.equal([[2, 1], [5, 1], [9, 1]]);
      expect(table.map((r) => r.period)).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      for (const r of table) {
        expect(r, `period ${r.period}`).to.include({ charges: DECLINED_ONCE.has(r.period) ? 2 : 1, renewal_reminder: 1, receipt: 1 });
      }
      if (database) {
        const rows = await database.database.knex('notifications').where({ kind: 'renewal_failed' }).orderBy('period_no').select('period_no', 'attempt');
        expect(rows.map((r: { period_no: number; attempt: number }) => [Number(r.period_no), Number(r.attempt)])).to.deep.equal([[2, 1], [5, 1], [9, 1]]);
      }
    });
  });
}
