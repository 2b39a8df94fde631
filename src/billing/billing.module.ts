import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config';
import { IDENTITY, type UserRepository } from '../identity/identity.api';
import { type ConsentRequestRepository, MEMBERSHIP, MembershipEvents, type MembershipRepository, type PlanPrices } from '../membership/membership.api';
import { type PlanCatalog, PRICING } from '../pricing/pricing.api';
import { PAYMENT, type PaymentChannel, PaymentEvents, type PaymentGateway, type PaymentRepository, type PaymentSettlement } from '../payment/payment.api';
import type { Clock } from '../shared/application/clock.port';
import type { EventBus } from '../shared/application/event-bus.port';
import type { IdGenerator } from '../shared/application/id-generator.port';
import type { Logger } from '../shared/application/logger.port';
import type { Notifier } from '../shared/application/notifier.port';
import type { UnitOfWork } from '../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../shared/domain/business-calendar';
import type { Persistence } from '../shared/shared.module';
import { SHARED } from '../shared/shared.tokens';
import type { NotificationLog } from './application/notification-log.port';
import { MemberNotices } from './application/member-notices';
import { RunRenewals } from './application/run-renewals.use-case';
import { SeekConsents } from './application/seek-consents.use-case';
import type { Sms } from '../shared/application/sms.port';
import { type MemberNoticeEvent, SendMemberNotices } from './application/send-member-notices.handler';
import { BILLING } from './billing.tokens';
import { MemoryNotificationLog } from './infrastructure/memory/memory-notification-log';
import { KnexNotificationLog } from './infrastructure/knex-notification-log';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';

/** Long enough for a gateway call (and its token) to finish; after it a crashed attempt is recovered. */
const RENEWAL_LEASE_MS = 5 * 60_000;

export function billingModule(config: AppConfig, persistence: Persistence): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    if (persistence === 'memory') bind(BILLING.NotificationLog).toConstantValue(new MemoryNotificationLog());
    else bind(BILLING.NotificationLog).toResolvedValue((database: KnexDatabase) => new KnexNotificationLog(database), [SHARED.Database]);
    bind(BILLING.MemberNotices).toResolvedValue((calendar: BusinessCalendar) => new MemberNotices(config.merchant, calendar), [SHARED.BusinessCalendar]);
    bind(BILLING.SeekConsents).toResolvedValue(
      (memberships: MembershipRepository, consents: ConsentRequestRepository, catalog: PlanCatalog, prices: PlanPrices, users: UserRepository,
        log: NotificationLog, notifier: Notifier, sms: Sms, notices: MemberNotices, uow: UnitOfWork, clock: Clock, ids: IdGenerator, logger: Logger) =>
        new SeekConsents(memberships, consents, catalog, prices, users, log, notifier, sms, notices, uow, clock, ids, logger, {
          consentWindowDays: config.consentWindowDays, trialNoticeDays: config.trialNoticeDays, batchSize: config.renewalBatchSize,
        }),
      [MEMBERSHIP.MembershipRepository, MEMBERSHIP.ConsentRequestRepository, PRICING.PlanCatalog, MEMBERSHIP.PlanPrices, IDENTITY.UserRepository,
        BILLING.NotificationLog, SHARED.Notifier, SHARED.Sms, BILLING.MemberNotices, SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator, SHARED.Logger],
    );
    bind(BILLING.RunRenewals).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, users: UserRepository, catalog: PlanCatalog, prices: PlanPrices, consents: SeekConsents,
        gateway: PaymentGateway, settlement: PaymentSettlement, log: NotificationLog, notifier: Notifier, notices: MemberNotices, uow: UnitOfWork, clock: Clock,
        ids: IdGenerator, calendar: BusinessCalendar, logger: Logger, channel: PaymentChannel) =>
        new RunRenewals(memberships, payments, users, catalog, prices, consents, gateway, settlement, log, notifier, notices, uow, clock, ids, calendar, logger, {
          channel, reminderDays: config.reminderDays, dunningRetryAfterDays: config.dunningRetryAfterDays,
          batchSize: config.renewalBatchSize, leaseMs: RENEWAL_LEASE_MS, concurrency: config.renewalConcurrency,
        }),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, IDENTITY.UserRepository, PRICING.PlanCatalog, MEMBERSHIP.PlanPrices, BILLING.SeekConsents, PAYMENT.PaymentGateway,
        PAYMENT.PaymentSettlement, BILLING.NotificationLog, SHARED.Notifier, BILLING.MemberNotices, SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator,
        SHARED.BusinessCalendar, SHARED.Logger, PAYMENT.PaymentChannel],
    );
    bind(BILLING.SendMemberNotices).toResolvedValue(
      (users: UserRepository, payments: PaymentRepository, catalog: PlanCatalog, log: NotificationLog, notifier: Notifier, notices: MemberNotices, clock: Clock) =>
        new SendMemberNotices(users, payments, catalog, log, notifier, notices, clock, config.refundPolicy),
      [IDENTITY.UserRepository, PAYMENT.PaymentRepository, PRICING.PlanCatalog, BILLING.NotificationLog, SHARED.Notifier, BILLING.MemberNotices, SHARED.Clock],
    );
    onActivation(SHARED.EventBus, (context, bus: EventBus) => {
      const handle = (event: MemberNoticeEvent) => context.get<SendMemberNotices>(BILLING.SendMemberNotices).handle(event);
      const many = (events: MemberNoticeEvent[]) => context.get<SendMemberNotices>(BILLING.SendMemberNotices).handleMany(events);
      // A purchase's receipt is mailed by the outbox relay: the buyer's validation answers without
      // waiting for the mail or paying its statements (issue 16). Notices of background work (renewals,
      // late refund answers) are sent right after that work's commit, in the worker that did it; a
      // renewal run publishes each batch's together (UnitOfWork.holdPublication), so they go to `many`.
      for (const type of [MembershipEvents.Activated, MembershipEvents.Extended]) bus.subscribe<MemberNoticeEvent>(type, 'SendMemberNotices', handle, { delivery: 'relay', many });
      for (const type of [MembershipEvents.Renewed, MembershipEvents.RenewalFailed, PaymentEvents.RefundRejected]) bus.subscribe<MemberNoticeEvent>(type, 'SendMemberNotices', handle, { many });
      return bus;
    });
  });
}
