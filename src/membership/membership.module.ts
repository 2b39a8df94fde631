import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config';
import { PAYMENT, type PaymentCancelledEvent, type PaymentCardLeftUnusedEvent, PaymentEvents, type PaymentGateway, type PaymentPaidEvent, type PaymentRepository, type PaymentSettlement } from '../payment/payment.api';
import type { Clock } from '../shared/application/clock.port';
import type { EventBus } from '../shared/application/event-bus.port';
import type { IdGenerator } from '../shared/application/id-generator.port';
import type { UnitOfWork } from '../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../shared/domain/business-calendar';
import type { TransactionContext } from '../shared/infrastructure/transaction-context';
import type { Persistence } from '../shared/shared.module';
import { SHARED } from '../shared/shared.tokens';
import { FULFIL_PAID_PAYMENT, FulfilPaidPayment } from './application/fulfil-paid-payment.handler';
import { CancelMembership } from './application/cancel-membership.use-case';
import { TakeBackRefundedPurchase } from './application/take-back-refunded-purchase.handler';
import { EndMembershipOnMemberRefund } from './application/end-membership-on-member-refund.handler';
import { GetAccount } from './application/get-account.query';
import { GetRefundQuote } from './application/get-refund-quote.use-case';
import { type ConfirmPassword, IDENTITY, type UserRepository } from '../identity/identity.api';
import type { IdempotencyStore } from '../shared/application/idempotency-store.port';
import type { SessionStore } from '../shared/application/session-store.port';
import { DeleteAccount } from './application/delete-account.use-case';
import { ExportAccount } from './application/export-account.query';
import type { RetainedRecordStore } from './application/retained-record-store.port';
import { KnexRetainedRecordStore } from './infrastructure/knex-retained-record.store';
import { MemoryRetainedRecordStore } from './infrastructure/memory/memory-retained-record.store';
import { MembershipCheckoutPreflight } from './application/membership-checkout-preflight';
import { KnexCheckoutPreflight } from './infrastructure/knex-checkout-preflight';
import { SetAutoRenew } from './application/set-auto-renew.use-case';
import { RemoveCard } from './application/remove-card.use-case';
import { ReleaseBillingKey } from './application/release-billing-key.handler';
import { type BillingKeyReleasedEvent, MembershipEvents } from './domain/membership.events';
import type { MembershipRepository } from './application/membership-repository.port';
import { type PlanCatalog, PRICING } from '../pricing/pricing.api';
import { MemoryMembershipRepository } from './infrastructure/memory/memory-membership.repository';
import { KnexMembershipRepository } from './infrastructure/knex-membership.repository';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import { MEMBERSHIP } from './membership.tokens';
import { AnswerConsent } from './application/answer-consent.use-case';
import type { ConsentRequestRepository } from './application/consent-request-repository.port';
import { PlanPrices } from './application/plan-prices';
import type { PriceChangeRepository } from './application/price-change-repository.port';
import { SchedulePriceChange } from './application/schedule-price-change.use-case';
import { StartTrial } from './application/start-trial.use-case';
import { KnexConsentRequestRepository } from './infrastructure/knex-consent-request.repository';
import { KnexPriceChangeRepository } from './infrastructure/knex-price-change.repository';
import { MemoryConsentRequestRepository } from './infrastructure/memory/memory-consent-request.repository';
import { MemoryPriceChangeRepository } from './infrastructure/memory/memory-price-change.repository';

export function membershipModule(config: AppConfig, persistence: Persistence): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    if (persistence === 'memory') {
      bind(MEMBERSHIP.MembershipRepository).toResolvedValue((context: TransactionContext) => new MemoryMembershipRepository(context), [SHARED.TransactionTracker]);
      bind(MEMBERSHIP.RetainedRecordStore).toConstantValue(new MemoryRetainedRecordStore());
    } else {
      bind(MEMBERSHIP.MembershipRepository).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext) => new KnexMembershipRepository(database, context), [SHARED.Database, SHARED.TransactionTracker]);
      bind(MEMBERSHIP.RetainedRecordStore).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext) => new KnexRetainedRecordStore(database, context), [SHARED.Database, SHARED.TransactionTracker]);
    }
    if (persistence === 'memory') {
      bind(MEMBERSHIP.ConsentRequestRepository).toResolvedValue((context: TransactionContext) => new MemoryConsentRequestRepository(context), [SHARED.TransactionTracker]);
      bind(MEMBERSHIP.PriceChangeRepository).toConstantValue(new MemoryPriceChangeRepository());
    } else {
      bind(MEMBERSHIP.ConsentRequestRepository).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext) => new KnexConsentRequestRepository(database, context), [SHARED.Database, SHARED.TransactionTracker]);
      bind(MEMBERSHIP.PriceChangeRepository).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext) => new KnexPriceChangeRepository(database, context), [SHARED.Database, SHARED.TransactionTracker]);
    }
    bind(MEMBERSHIP.PlanPrices).toResolvedValue((changes: PriceChangeRepository) => new PlanPrices(changes), [MEMBERSHIP.PriceChangeRepository]);
    bind(MEMBERSHIP.AnswerConsent).toResolvedValue(
      (consents: ConsentRequestRepository, memberships: MembershipRepository, catalog: PlanCatalog, prices: PlanPrices, uow: UnitOfWork, clock: Clock) =>
        new AnswerConsent(consents, memberships, catalog, prices, uow, clock),
      [MEMBERSHIP.ConsentRequestRepository, MEMBERSHIP.MembershipRepository, PRICING.PlanCatalog, MEMBERSHIP.PlanPrices, SHARED.UnitOfWork, SHARED.Clock],
    );
    bind(MEMBERSHIP.SchedulePriceChange).toResolvedValue(
      (catalog: PlanCatalog, changes: PriceChangeRepository, clock: Clock, ids: IdGenerator) => new SchedulePriceChange(catalog, changes, clock, ids),
      [PRICING.PlanCatalog, MEMBERSHIP.PriceChangeRepository, SHARED.Clock, SHARED.IdGenerator],
    );
    bind(MEMBERSHIP.StartTrial).toResolvedValue(
      (catalog: PlanCatalog, memberships: MembershipRepository, gateway: PaymentGateway, uow: UnitOfWork, clock: Clock, ids: IdGenerator, calendar: BusinessCalendar) =>
        new StartTrial(catalog, memberships, gateway, uow, clock, ids, calendar),
      [PRICING.PlanCatalog, MEMBERSHIP.MembershipRepository, PAYMENT.PaymentGateway, SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator, SHARED.BusinessCalendar],
    );
    bind(MEMBERSHIP.FulfilPaidPayment).toResolvedValue(
      (payments: PaymentRepository, memberships: MembershipRepository, catalog: PlanCatalog, uow: UnitOfWork, clock: Clock, ids: IdGenerator, calendar: BusinessCalendar) =>
        new FulfilPaidPayment(payments, memberships, catalog, uow, clock, ids, calendar),
      [PAYMENT.PaymentRepository, MEMBERSHIP.MembershipRepository, PRICING.PlanCatalog, SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator, SHARED.BusinessCalendar],
    );
    // The settlement fulfils a payment in the transaction that records it paid.
    bind(PAYMENT.PaymentFulfilment).toResolvedValue((fulfil: FulfilPaidPayment) => fulfil, [MEMBERSHIP.FulfilPaidPayment]);
    bind(MEMBERSHIP.GetAccount).toResolvedValue(
      (users: UserRepository, memberships: MembershipRepository, clock: Clock) => new GetAccount(users, memberships, clock),
      [IDENTITY.UserRepository, MEMBERSHIP.MembershipRepository, SHARED.Clock],
    );
    bind(MEMBERSHIP.DeleteAccount).toResolvedValue(
      (users: UserRepository, confirm: ConfirmPassword, memberships: MembershipRepository, payments: PaymentRepository, cancel: CancelMembership,
        retained: RetainedRecordStore, sessions: SessionStore, answers: IdempotencyStore, uow: UnitOfWork, calendar: BusinessCalendar, clock: Clock, ids: IdGenerator) =>
        new DeleteAccount(users, confirm, memberships, payments, cancel, retained, sessions, answers, uow, calendar, clock, ids),
      [IDENTITY.UserRepository, IDENTITY.ConfirmPassword, MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, MEMBERSHIP.CancelMembership,
        MEMBERSHIP.RetainedRecordStore, SHARED.SessionStore, SHARED.IdempotencyStore, SHARED.UnitOfWork, SHARED.BusinessCalendar, SHARED.Clock, SHARED.IdGenerator],
    );
    bind(MEMBERSHIP.ExportAccount).toResolvedValue(
      (users: UserRepository, memberships: MembershipRepository, payments: PaymentRepository) => new ExportAccount(users, memberships, payments),
      [IDENTITY.UserRepository, MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository],
    );
    // Checkout shows the period an order buys, which only memberships know; on a database it reads that with the rest in one statement.
    if (persistence === 'memory') {
      bind(PAYMENT.CheckoutPreflight).toResolvedValue(
        (users: UserRepository, payments: PaymentRepository, memberships: MembershipRepository, calendar: BusinessCalendar) =>
          new MembershipCheckoutPreflight(users, payments, memberships, calendar),
        [IDENTITY.UserRepository, PAYMENT.PaymentRepository, MEMBERSHIP.MembershipRepository, SHARED.BusinessCalendar],
      );
    } else {
      bind(PAYMENT.CheckoutPreflight).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext, calendar: BusinessCalendar) => new KnexCheckoutPreflight(database, context, calendar),
        [SHARED.Database, SHARED.TransactionTracker, SHARED.BusinessCalendar],
      );
    }
    bind(MEMBERSHIP.TakeBackRefundedPurchase).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, consents: ConsentRequestRepository, catalog: PlanCatalog, uow: UnitOfWork, calendar: BusinessCalendar, clock: Clock) =>
        new TakeBackRefundedPurchase(memberships, payments, consents, catalog, uow, calendar, clock),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, MEMBERSHIP.ConsentRequestRepository, PRICING.PlanCatalog, SHARED.UnitOfWork, SHARED.BusinessCalendar, SHARED.Clock],
    );
    bind(MEMBERSHIP.EndMembershipOnMemberRefund).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, catalog: PlanCatalog, uow: UnitOfWork, calendar: BusinessCalendar, clock: Clock) =>
        new EndMembershipOnMemberRefund(memberships, payments, catalog, config.refundPolicy, uow, calendar, clock),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, PRICING.PlanCatalog, SHARED.UnitOfWork, SHARED.BusinessCalendar, SHARED.Clock],
    );
    bind(MEMBERSHIP.ReleaseBillingKey).toResolvedValue(
      (gateway: PaymentGateway, memberships: MembershipRepository) => new ReleaseBillingKey(gateway, memberships),
      [PAYMENT.PaymentGateway, MEMBERSHIP.MembershipRepository],
    );
    bind(MEMBERSHIP.GetRefundQuote).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, catalog: PlanCatalog, calendar: BusinessCalendar, clock: Clock) =>
        new GetRefundQuote(memberships, payments, catalog, config.refundPolicy, calendar, clock),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, PRICING.PlanCatalog, SHARED.BusinessCalendar, SHARED.Clock],
    );
    bind(MEMBERSHIP.CancelMembership).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, settlement: PaymentSettlement, uow: UnitOfWork, catalog: PlanCatalog, calendar: BusinessCalendar, clock: Clock, ids: IdGenerator) =>
        new CancelMembership(memberships, payments, settlement, uow, catalog, config.refundPolicy, calendar, clock, ids),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, PAYMENT.PaymentSettlement, SHARED.UnitOfWork, PRICING.PlanCatalog, SHARED.BusinessCalendar, SHARED.Clock, SHARED.IdGenerator],
    );
    bind(MEMBERSHIP.SetAutoRenew).toResolvedValue(
      (memberships: MembershipRepository, uow: UnitOfWork, clock: Clock) => new SetAutoRenew(memberships, uow, clock),
      [MEMBERSHIP.MembershipRepository, SHARED.UnitOfWork, SHARED.Clock],
    );
    bind(MEMBERSHIP.RemoveCard).toResolvedValue(
      (memberships: MembershipRepository, uow: UnitOfWork, clock: Clock) => new RemoveCard(memberships, uow, clock),
      [MEMBERSHIP.MembershipRepository, SHARED.UnitOfWork, SHARED.Clock],
    );
    // Handlers are resolved when an event arrives, so the bus and the use cases they need do not depend on each other at start-up.
    onActivation(SHARED.EventBus, (context, bus: EventBus) => {
      bus.subscribe<PaymentPaidEvent>(PaymentEvents.Paid, FULFIL_PAID_PAYMENT, (event) => context.get<FulfilPaidPayment>(MEMBERSHIP.FulfilPaidPayment).handle(event));
      bus.subscribe<PaymentCancelledEvent>(PaymentEvents.Cancelled, 'TakeBackRefundedPurchase', (event) => context.get<TakeBackRefundedPurchase>(MEMBERSHIP.TakeBackRefundedPurchase).handle(event));
      bus.subscribe<PaymentCancelledEvent>(PaymentEvents.Cancelled, 'EndMembershipOnMemberRefund', (event) => context.get<EndMembershipOnMemberRefund>(MEMBERSHIP.EndMembershipOnMemberRefund).handle(event));
      for (const released of [MembershipEvents.Cancelled, MembershipEvents.Expired, MembershipEvents.CardRemoved]) {
        bus.subscribe<BillingKeyReleasedEvent>(released, 'ReleaseBillingKey', (event) => context.get<ReleaseBillingKey>(MEMBERSHIP.ReleaseBillingKey).handle(event));
      }
      bus.subscribe<PaymentCardLeftUnusedEvent>(PaymentEvents.CardLeftUnused, 'ReleaseBillingKey', (event) => context.get<ReleaseBillingKey>(MEMBERSHIP.ReleaseBillingKey).handleCardLeftUnused(event));
      return bus;
    });
  });
}
