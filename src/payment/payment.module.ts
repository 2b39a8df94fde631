import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config';
import { IDENTITY, type UserRepository } from '../identity/identity.api';
import { type PlanCatalog, PRICING } from '../pricing/pricing.api';
import type { Clock } from '../shared/application/clock.port';
import type { IdGenerator } from '../shared/application/id-generator.port';
import type { Logger } from '../shared/application/logger.port';
import type { UnitOfWork } from '../shared/application/unit-of-work.port';
import type { TransactionContext } from '../shared/infrastructure/transaction-context';
import type { Persistence } from '../shared/shared.module';
import { SHARED } from '../shared/shared.tokens';
import { ConfirmPayment } from './application/confirm-payment.use-case';
import type { PaymentChannel } from './application/payment-channel';
import type { PaymentGateway } from './application/payment-gateway.port';
import type { PaymentRepository } from './application/payment-repository.port';
import type { CheckoutPreflight } from './application/checkout-preflight.port';
import type { PaymentFulfilment } from './application/payment-fulfilment.port';
import { PaymentSettlement } from './application/payment-settlement.service';
import { ReportPaymentFailure } from './application/report-payment-failure.use-case';
import { type CheckoutSettings, StartCheckout } from './application/start-checkout.use-case';
import { MemoryPaymentGateway } from './infrastructure/memory/memory-payment.gateway';
import { MemoryPaymentRepository } from './infrastructure/memory/memory-payment.repository';
import { MemoryWebhookReceiptStore } from './infrastructure/memory/memory-webhook-receipt.store';
import { KnexPaymentRepository } from './infrastructure/knex-payment.repository';
import { KnexWebhookReceiptStore } from './infrastructure/knex-webhook-receipt.store';
import { createPaymentGateway } from './infrastructure/payment-gateway.factory';
import { activeGateway, webhookReaders } from './infrastructure/gateways.registry';
import type { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import { HandleWebhookNotice } from './application/handle-webhook-notice.use-case';
import { ReconcilePayments } from './application/reconcile-payments.use-case';
import { RefundPayment } from './application/refund-payment.use-case';
import type { WebhookReceiptStore } from './application/webhook-receipt-store.port';
import { PAYMENT } from './payment.tokens';

/** DESIGN §6 "Security rules": open (`await`) checkouts a user may have within PAYMENT_TTL_MIN. */
const MAX_OPEN_ORDERS = 5;

/** memory for tests; `configured` = the PG that PAYMENT_GATEWAY names (live or sandbox). */
export type GatewayChoice = 'memory' | 'configured';

export function paymentModule(config: AppConfig, persistence: Persistence, gateway: GatewayChoice): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (persistence === 'memory') {
      bind(PAYMENT.PaymentRepository).toResolvedValue(
        (context: TransactionContext, users: UserRepository) => new MemoryPaymentRepository(context, users), [SHARED.TransactionTracker, IDENTITY.UserRepository]);
      bind(PAYMENT.WebhookReceiptStore).toConstantValue(new MemoryWebhookReceiptStore());
    } else {
      bind(PAYMENT.PaymentRepository).toResolvedValue(
        (database: KnexDatabase, context: TransactionContext) => new KnexPaymentRepository(database, context), [SHARED.Database, SHARED.TransactionTracker]);
      bind(PAYMENT.WebhookReceiptStore).toResolvedValue((database: KnexDatabase) => new KnexWebhookReceiptStore(database), [SHARED.Database]);
    }
    if (gateway === 'memory') {
      bind(PAYMENT.PaymentGateway).toResolvedValue((clock: Clock) => new MemoryPaymentGateway(() => clock.now()), [SHARED.Clock]);
    } else {
      bind(PAYMENT.PaymentGateway).toResolvedValue((logger: Logger) => createPaymentGateway(config, logger), [SHARED.Logger]);
    }
    const active = activeGateway(config);
    const channel: PaymentChannel = { gateway: active.name, pg: active.pgCode };
    bind(PAYMENT.PaymentChannel).toConstantValue(channel);
    bind(PAYMENT.CheckoutSettings).toConstantValue({ ...channel, parametersFor: active.checkoutParameters } satisfies CheckoutSettings);
    bind(PAYMENT.WebhookReaders).toConstantValue(webhookReaders(config));
    bind(PAYMENT.PaymentSettlement).toResolvedValue(
      (payments: PaymentRepository, pg: PaymentGateway, uow: UnitOfWork, clock: Clock, ids: IdGenerator, logger: Logger, fulfilment: PaymentFulfilment) =>
        new PaymentSettlement(payments, pg, uow, clock, ids, logger, fulfilment),
      [PAYMENT.PaymentRepository, PAYMENT.PaymentGateway, SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator, SHARED.Logger, PAYMENT.PaymentFulfilment],
    );
    bind(PAYMENT.StartCheckout).toResolvedValue(
      (catalog: PlanCatalog, users: UserRepository, payments: PaymentRepository, pg: PaymentGateway,
        uow: UnitOfWork, clock: Clock, ids: IdGenerator, settings: CheckoutSettings,
        preflight: CheckoutPreflight) =>
        new StartCheckout(catalog, users, payments, pg, uow, clock, ids, settings, { max: MAX_OPEN_ORDERS, windowMinutes: config.paymentTtlMin },
          preflight),
      [PRICING.PlanCatalog, IDENTITY.UserRepository, PAYMENT.PaymentRepository, PAYMENT.PaymentGateway,
        SHARED.UnitOfWork, SHARED.Clock, SHARED.IdGenerator, PAYMENT.CheckoutSettings,
        PAYMENT.CheckoutPreflight],
    );
    bind(PAYMENT.ConfirmPayment).toResolvedValue(
      (payments: PaymentRepository, pg: PaymentGateway, settlement: PaymentSettlement, clock: Clock) => new ConfirmPayment(payments, pg, settlement, clock),
      [PAYMENT.PaymentRepository, PAYMENT.PaymentGateway, PAYMENT.PaymentSettlement, SHARED.Clock],
    );
    bind(PAYMENT.ReportPaymentFailure).toResolvedValue(
      (payments: PaymentRepository, pg: PaymentGateway, settlement: PaymentSettlement, clock: Clock) => new ReportPaymentFailure(payments, pg, settlement, clock),
      [PAYMENT.PaymentRepository, PAYMENT.PaymentGateway, PAYMENT.PaymentSettlement, SHARED.Clock],
    );
    bind(PAYMENT.HandleWebhookNotice).toResolvedValue(
      (receipts: WebhookReceiptStore, payments: PaymentRepository, pg: PaymentGateway, settlement: PaymentSettlement, clock: Clock, ids: IdGenerator) =>
        new HandleWebhookNotice(receipts, payments, pg, settlement, clock, ids),
      [PAYMENT.WebhookReceiptStore, PAYMENT.PaymentRepository, PAYMENT.PaymentGateway, PAYMENT.PaymentSettlement, SHARED.Clock, SHARED.IdGenerator],
    );
    bind(PAYMENT.RefundPayment).toResolvedValue(
      (settlement: PaymentSettlement, clock: Clock, ids: IdGenerator) => new RefundPayment(settlement, clock, ids),
      [PAYMENT.PaymentSettlement, SHARED.Clock, SHARED.IdGenerator],
    );
    bind(PAYMENT.ReconcilePayments).toResolvedValue(
      (payments: PaymentRepository, pg: PaymentGateway, settlement: PaymentSettlement, clock: Clock, logger: Logger) =>
        new ReconcilePayments(payments, pg, settlement, clock, logger, config.paymentTtlMin),
      [PAYMENT.PaymentRepository, PAYMENT.PaymentGateway, PAYMENT.PaymentSettlement, SHARED.Clock, SHARED.Logger],
    );
  });
}
