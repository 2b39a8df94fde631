import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config';
import { PAYMENT } from '../payment/payment.tokens';
import type { PaymentRepository } from '../payment/application/payment-repository.port';
import { PaymentEvents } from '../payment/domain/payment.events';
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
import { EndMembershipOnFullRefund } from './application/end-membership-on-full-refund.handler';
import { GetRefundQuote } from './application/get-refund-quote.use-case';
import { SetAutoRenew } from './application/set-auto-renew.use-case';
import { RemoveCard } from './application/remove-card.use-case';
import { ReleaseBillingKey } from './application/release-billing-key.handler';
import type { PaymentGateway } from '../payment/application/payment-gateway.port';
import type { PaymentSettlement } from '../payment/application/payment-settlement.service';
import { MembershipEvents } from './domain/membership.events';
import type { MembershipRepository } from './application/membership-repository.port';
import type { PlanCatalog } from './application/plan-catalog.port';
import { ConfigPlanCatalog } from './infrastructure/config-plan-catalog';
import { MemoryMembershipRepository } from './infrastructure/memory/memory-membership.repository';
import { KnexMembershipRepository } from './infrastructure/knex-membership.repository';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import { MEMBERSHIP } from './membership.tokens';

export function membershipModule(config: AppConfig, persistence: Persistence): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    bind(MEMBERSHIP.PlanCatalog).toConstantValue(new ConfigPlanCatalog(config.plans));
    if (persistence === 'memory') {
      bind(MEMBERSHIP.MembershipRepository).toResolvedValue((context: TransactionContext) => new MemoryMembershipRepository(context), [SHARED.TransactionTracker]);
    } else {
      bind(MEMBERSHIP.MembershipRepository).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext) => new KnexMembershipRepository(database, context), [SHARED.Database, SHARED.TransactionTracker]);
    }
    bind(MEMBERSHIP.FulfilPaidPayment).toResolvedValue(
      (payments: PaymentRepository, memberships: MembershipRepository, catalog: PlanCatalog, uow: UnitOfWork, clock: Clock, ids: IdGenerator, calendar: BusinessCalendar) =>
        new FulfilPaidPayment(payments, memberships, catalog, uow, clock, ids, calendar),
      [PAYMENT.PaymentRepository, MEMBERSHIP.MembershipRepository, MEMBERSHIP.PlanCatalog, SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator, SHARED.BusinessCalendar],
    );
    // The settlement fulfils a payment in the transaction that records it paid.
    bind(PAYMENT.PaymentFulfilment).toResolvedValue((fulfil: FulfilPaidPayment) => fulfil, [MEMBERSHIP.FulfilPaidPayment]);
    bind(MEMBERSHIP.EndMembershipOnFullRefund).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, catalog: PlanCatalog, uow: UnitOfWork, calendar: BusinessCalendar, clock: Clock) =>
        new EndMembershipOnFullRefund(memberships, payments, catalog, uow, calendar, clock),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, MEMBERSHIP.PlanCatalog, SHARED.UnitOfWork, SHARED.BusinessCalendar, SHARED.Clock],
    );
    bind(MEMBERSHIP.ReleaseBillingKey).toResolvedValue(
      (gateway: PaymentGateway, memberships: MembershipRepository) => new ReleaseBillingKey(gateway, memberships),
      [PAYMENT.PaymentGateway, MEMBERSHIP.MembershipRepository],
    );
    bind(MEMBERSHIP.GetRefundQuote).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, catalog: PlanCatalog, calendar: BusinessCalendar, clock: Clock) =>
        new GetRefundQuote(memberships, payments, catalog, config.refundRules, calendar, clock),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, MEMBERSHIP.PlanCatalog, SHARED.BusinessCalendar, SHARED.Clock],
    );
    bind(MEMBERSHIP.CancelMembership).toResolvedValue(
      (memberships: MembershipRepository, payments: PaymentRepository, settlement: PaymentSettlement, uow: UnitOfWork, catalog: PlanCatalog, calendar: BusinessCalendar, clock: Clock, ids: IdGenerator) =>
        new CancelMembership(memberships, payments, settlement, uow, catalog, config.refundRules, calendar, clock, ids),
      [MEMBERSHIP.MembershipRepository, PAYMENT.PaymentRepository, PAYMENT.PaymentSettlement, SHARED.UnitOfWork, MEMBERSHIP.PlanCatalog, SHARED.BusinessCalendar, SHARED.Clock, SHARED.IdGenerator],
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
      bus.subscribe(PaymentEvents.Paid, FULFIL_PAID_PAYMENT, (event) => context.get<FulfilPaidPayment>(MEMBERSHIP.FulfilPaidPayment).handle(event));
      bus.subscribe(PaymentEvents.Cancelled, 'EndMembershipOnFullRefund', (event) => context.get<EndMembershipOnFullRefund>(MEMBERSHIP.EndMembershipOnFullRefund).handle(event));
      for (const released of [MembershipEvents.Cancelled, MembershipEvents.Expired, MembershipEvents.CardRemoved]) {
        bus.subscribe(released, 'ReleaseBillingKey', (event) => context.get<ReleaseBillingKey>(MEMBERSHIP.ReleaseBillingKey).handle(event));
      }
      return bus;
    });
  });
}
