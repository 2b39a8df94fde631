import 'reflect-metadata';
import { Container } from 'inversify';
import { adminModule } from '../admin/admin.module';
import { billingModule } from '../billing/billing.module';
import type { AppConfig } from '../config';
import { identityModule } from '../identity/identity.module';
import { membershipModule } from '../membership/membership.module';
import { type GatewayChoice, paymentModule } from '../payment/payment.module';
import { pricingModule } from '../pricing/pricing.module';
import type { Logger } from '../shared/application/logger.port';
import { type Persistence, sharedModule } from '../shared/shared.module';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import { metricsModule } from './metrics.module';

export interface ContainerOptions {
  logger: Logger;
  /** memory for unit tests; knex (SQLite or MySQL by DATABASE_URL) to run the product. */
  persistence: Persistence;
  /** memory for unit tests; configured (the PG of PAYMENT_GATEWAY, live or sandbox) to run the product. */
  gateway: GatewayChoice;
  /** Required with knex persistence: the database the adapters share. */
  database?: KnexDatabase;
}

/** The one place the modules meet. Bindings are singletons: one repository, one gateway, one bus per process. */
export function buildContainer(config: AppConfig, options: ContainerOptions): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(
    sharedModule(config, options.logger, options.persistence, options.database ?? null),
    identityModule(options.persistence),
    pricingModule(config),
    membershipModule(config, options.persistence),
    paymentModule(config, options.persistence, options.gateway),
    billingModule(config, options.persistence),
    metricsModule(),
    adminModule(config, options.persistence),
  );
  return container;
}
