import { FulfilPaidPayment } from '../../src/membership/application/fulfil-paid-payment.handler';
import { ConfigPlanCatalog } from '../../src/pricing/infrastructure/config-plan-catalog';
import { ConfirmPayment } from '../../src/payment/application/confirm-payment.use-case';
import { PaymentSettlement } from '../../src/payment/application/payment-settlement.service';
import { PaymentEvents } from '../../src/payment/domain/payment.events';
import { MemoryPaymentGateway } from '../../src/payment/infrastructure/memory/memory-payment.gateway';
import { BusinessCalendar } from '../../src/shared/domain/business-calendar';
import { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { UlidIdGenerator } from '../../src/shared/infrastructure/ulid-id-generator';
import type { PersistenceKit } from './persistence-adapters';

export const MONTHLY = { id: 'monthly', names: { ko: '월간 멤버십', en: 'Monthly membership' }, amount: 9900, currency: 'KRW' as const, interval: 'month' as const, intervalCount: 1 };

/**
 * ConfirmPayment, PaymentSettlement and FulfilPaidPayment wired by hand on a persistence kit and
 * the in-memory gateway (the application container is not needed to test the adapters under them).
 */
export function wireSettlement(kit: PersistenceKit, now = new Date('2026-11-25T09:00:00.000Z')) {
  const clock = new ControllableClock();
  clock.freezeAt(now);
  const ids = new UlidIdGenerator();
  const gateway = new MemoryPaymentGateway(() => clock.now());
  const settlement = new PaymentSettlement(kit.payments, gateway, kit.uow, clock, ids, silentLogger());
  const confirmPayment = new ConfirmPayment(kit.payments, gateway, settlement, clock);
  const fulfil = new FulfilPaidPayment(kit.payments, kit.memberships, new ConfigPlanCatalog([MONTHLY]), kit.uow, clock, ids, new BusinessCalendar('Asia/Seoul'));
  kit.eventBus.subscribe(PaymentEvents.Paid, 'FulfilPaidPayment', fulfil.handle);
  return { clock, ids, gateway, settlement, confirmPayment, fulfil };
}
