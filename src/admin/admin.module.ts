import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config';
import { IDENTITY, type UserRepository } from '../identity/identity.api';
import { type PlanCatalog, PRICING } from '../pricing/pricing.api';
import { MEMBERSHIP, type MembershipRepository } from '../membership/membership.api';
import { PAYMENT, type PaymentRepository } from '../payment/payment.api';
import type { Clock } from '../shared/application/clock.port';
import type { BusinessCalendar } from '../shared/domain/business-calendar';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import type { Persistence } from '../shared/shared.module';
import { SHARED } from '../shared/shared.tokens';
import { ADMIN } from './admin.tokens';
import { ConsoleDashboard } from './application/console-dashboard.query';
import { GetConsolePayment } from './application/console-payment.query';
import type { ConsoleReadModel } from './application/console-read-model.port';
import { KnexConsoleReadModel } from './infrastructure/knex-console-read-model';
import { MemoryConsoleAuditLog } from './infrastructure/memory/memory-console-audit-log';
import { NoConsoleReadModel } from './infrastructure/memory/no-console-read-model';

/** The operator console's reads and its audit record (the console's writes are the other modules' use cases). */
export function adminModule(config: AppConfig, persistence: Persistence): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (persistence === 'memory') {
      bind(ADMIN.ConsoleReadModel).toConstantValue(new NoConsoleReadModel());
      bind(ADMIN.ConsoleAuditLog).toConstantValue(new MemoryConsoleAuditLog());
    } else {
      bind(ADMIN.ConsoleReadModel).toResolvedValue((database: KnexDatabase) => new KnexConsoleReadModel(database), [SHARED.Database]);
      bind(ADMIN.ConsoleAuditLog).toResolvedValue((readModel: KnexConsoleReadModel) => readModel, [ADMIN.ConsoleReadModel]);
    }
    bind(ADMIN.ConsoleDashboard).toResolvedValue(
      (readModel: ConsoleReadModel, clock: Clock) => new ConsoleDashboard(readModel, clock, { zone: config.businessTz, paymentTtlMinutes: config.paymentTtlMin }),
      [ADMIN.ConsoleReadModel, SHARED.Clock],
    );
    bind(ADMIN.GetConsolePayment).toResolvedValue(
      (payments: PaymentRepository, memberships: MembershipRepository, users: UserRepository, catalog: PlanCatalog, readModel: ConsoleReadModel, calendar: BusinessCalendar, clock: Clock) =>
        new GetConsolePayment(payments, memberships, users, catalog, readModel, config.refundPolicy, calendar, clock),
      [PAYMENT.PaymentRepository, MEMBERSHIP.MembershipRepository, IDENTITY.UserRepository, PRICING.PlanCatalog, ADMIN.ConsoleReadModel, SHARED.BusinessCalendar, SHARED.Clock],
    );
  });
}
