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
import { FulfilPaidPayment } from './application/fulfil-paid-payment.handler';
import type { MembershipRepository } from './application/membership-repository.port';
import type { PlanCatalog } from './application/plan-catalog.port';
import { ConfigPlanCatalog } from './infrastructure/config-plan-catalog';
import { MemoryMembershipRepository } from './infrastructure/memory/memory-membership.repository';
import { MEMBERSHIP } from './membership.tokens';

export function membershipModule(config: AppConfig, persistence: Persistence): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    bind(MEMBERSHIP.PlanCatalog).toConstantValue(new ConfigPlanCatalog(config.plans));
    if (persistence === 'memory') {
      bind(MEMBERSHIP.MembershipRepository).toResolvedValue((context: TransactionContext) => new MemoryMembershipRepository(context), [SHARED.TransactionTracker]);
    }
    bind(MEMBERSHIP.FulfilPaidPayment).toResolvedValue(
      (payments: PaymentRepository, memberships: MembershipRepository, catalog: PlanCatalog, uow: UnitOfWork, clock: Clock, ids: IdGenerator, calendar: BusinessCalendar) =>
        new FulfilPaidPayment(payments, memberships, catalog, uow, clock, ids, calendar),
      [PAYMENT.PaymentRepository, MEMBERSHIP.MembershipRepository, MEMBERSHIP.PlanCatalog, SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator, SHARED.BusinessCalendar],
    );
    // Handlers are resolved when an event arrives, so the bus and the use cases they need do not depend on each other at start-up.
    onActivation(SHARED.EventBus, (context, bus: EventBus) => {
      bus.subscribe(PaymentEvents.Paid, 'FulfilPaidPayment', (event) => context.get<FulfilPaidPayment>(MEMBERSHIP.FulfilPaidPayment).handle(event));
      return bus;
    });
  });
}
