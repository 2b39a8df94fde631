import type { Container } from 'inversify';
import type { RunRenewals } from '../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../src/billing/billing.tokens';
import { MemoryNotifier } from '../../src/shared/infrastructure/memory/memory-notifier';
import { MemorySms } from '../../src/shared/infrastructure/memory/memory-sms';
import type { AnswerConsent } from '../../src/membership/application/answer-consent.use-case';
import type { ConsentRequestRepository } from '../../src/membership/application/consent-request-repository.port';
import type { SchedulePriceChange } from '../../src/membership/application/schedule-price-change.use-case';
import type { StartTrial } from '../../src/membership/application/start-trial.use-case';
import { loadConfig, type AppConfig } from '../../src/config';
import { buildContainer } from '../../src/app/container';
import type { UserRepository } from '../../src/identity/application/user-repository.port';
import type { User } from '../../src/identity/domain/user.entity';
import { IDENTITY } from '../../src/identity/identity.tokens';
import type { FulfilPaidPayment } from '../../src/membership/application/fulfil-paid-payment.handler';
import type { MembershipRepository } from '../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../src/membership/membership.tokens';
import type { ConfirmPayment } from '../../src/payment/application/confirm-payment.use-case';
import type { PaymentRepository } from '../../src/payment/application/payment-repository.port';
import type { PaymentSettlement } from '../../src/payment/application/payment-settlement.service';
import type { ReportPaymentFailure } from '../../src/payment/application/report-payment-failure.use-case';
import type { HandleWebhookNotice } from '../../src/payment/application/handle-webhook-notice.use-case';
import type { ReconcilePayments } from '../../src/payment/application/reconcile-payments.use-case';
import type { StartCheckout } from '../../src/payment/application/start-checkout.use-case';
import type { MemoryPaymentGateway } from '../../src/payment/infrastructure/memory/memory-payment.gateway';
import { PAYMENT } from '../../src/payment/payment.tokens';
import type { EventBus } from '../../src/shared/application/event-bus.port';
import type { UnitOfWork } from '../../src/shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../src/shared/domain/business-calendar';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import type { MemoryOutbox } from '../../src/shared/infrastructure/memory/memory-outbox';
import { SHARED } from '../../src/shared/shared.tokens';

export const TEST_NOW = new Date('2026-11-25T09:00:00.000Z');

/** The whole application on in-memory adapters, with a frozen clock and a scriptable gateway. */
/** `overrides` are environment variables; `adjust` changes what the config files say (e.g. a small renewal batch). */
export function memoryApp(overrides: Record<string, string> = {}, adjust: (config: AppConfig) => AppConfig = (config) => config) {
  const config: AppConfig = adjust(loadConfig({ LOG_LEVEL: 'silent', ...overrides }));
  const container: Container = buildContainer(config, { logger: silentLogger(), persistence: 'memory', gateway: 'memory' });
  const notifier = new MemoryNotifier();
  container.rebind(SHARED.Notifier).toConstantValue(notifier);
  const sms = new MemorySms();
  container.rebind(SHARED.Sms).toConstantValue(sms);
  const clock = container.get<ControllableClock>(SHARED.Clock);
  clock.freezeAt(TEST_NOW);
  container.get<EventBus>(SHARED.EventBus); // activates the subscriptions
  const users = container.get<UserRepository>(IDENTITY.UserRepository);
  let userCount = 0;
  return {
    config,
    container,
    clock,
    calendar: container.get<BusinessCalendar>(SHARED.BusinessCalendar),
    gateway: container.get<MemoryPaymentGateway>(PAYMENT.PaymentGateway),
    payments: container.get<PaymentRepository>(PAYMENT.PaymentRepository),
    memberships: container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository),
    users,
    outbox: container.get<MemoryOutbox>(SHARED.Outbox),
    uow: container.get<UnitOfWork>(SHARED.UnitOfWork),
    startCheckout: container.get<StartCheckout>(PAYMENT.StartCheckout),
    confirmPayment: container.get<ConfirmPayment>(PAYMENT.ConfirmPayment),
    reportFailure: container.get<ReportPaymentFailure>(PAYMENT.ReportPaymentFailure),
    settlement: container.get<PaymentSettlement>(PAYMENT.PaymentSettlement),
    fulfil: container.get<FulfilPaidPayment>(MEMBERSHIP.FulfilPaidPayment),
    webhooks: container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice),
    reconcile: container.get<ReconcilePayments>(PAYMENT.ReconcilePayments),
    renewals: container.get<RunRenewals>(BILLING.RunRenewals),
    notifier,
    sms,
    consents: container.get<ConsentRequestRepository>(MEMBERSHIP.ConsentRequestRepository),
    answerConsent: container.get<AnswerConsent>(MEMBERSHIP.AnswerConsent),
    schedulePrice: container.get<SchedulePriceChange>(MEMBERSHIP.SchedulePriceChange),
    startTrial: container.get<StartTrial>(MEMBERSHIP.StartTrial),
    async newUser(name = 'Kim Buyer', phone?: string): Promise<User> {
      userCount += 1;
      const user: User = { id: `user${userCount}`, email: `buyer${userCount}@example.com`, name, passwordHash: 'not-used', language: 'ko', ...(phone ? { phone } : {}), createdAt: clock.now() };
      await users.add(user);
      return user;
    },
    eventsOfType(type: string) {
      return container.get<MemoryOutbox>(SHARED.Outbox).all().filter((e) => e.event.type === type);
    },
  };
}

export type MemoryApp = ReturnType<typeof memoryApp>;
