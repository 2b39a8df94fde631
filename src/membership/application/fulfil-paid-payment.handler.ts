import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { DomainEvent } from '../../shared/domain/domain-event';
import type { PaymentRepository } from '../../payment/application/payment-repository.port';
import type { PaymentPaidPayload } from '../../payment/domain/payment.events';
import { Membership } from '../domain/membership.entity';
import { UnknownPlanError } from '../domain/membership.errors';
import type { MembershipRepository } from './membership-repository.port';
import type { PlanCatalog } from './plan-catalog.port';

/**
 * PaymentPaid -> the membership: activated on a first purchase, extended from the current end when
 * bought while live, renewed by a renewal charge. The payment's `fulfilled` mark, saved in the same
 * transaction, makes a redelivered event a no-op.
 */
export class FulfilPaidPayment {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly memberships: MembershipRepository,
    private readonly catalog: PlanCatalog,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly calendar: BusinessCalendar,
  ) {}

  readonly handle = async (event: DomainEvent): Promise<void> => {
    const { paymentId } = event.payload as unknown as PaymentPaidPayload;
    await retryOnConflict(() => this.uow.run(() => this.fulfil(paymentId)));
  };

  private async fulfil(paymentId: string): Promise<void> {
    const payment = await this.payments.findById(paymentId);
    if (!payment || payment.isFulfilled || (payment.status !== 'paid' && payment.status !== 'cancelled')) return;
    const plan = this.catalog.find(payment.purpose.planId);
    if (!plan) throw new UnknownPlanError(payment.purpose.planId);
    const now = this.clock.now();

    let membership: Membership;
    if (payment.purpose.kind === 'renewal' && payment.purpose.membershipId) {
      const renewed = await this.memberships.findById(payment.purpose.membershipId);
      if (!renewed) return;
      if (renewed.isLive && renewed.periodNo < (payment.purpose.periodNo ?? Infinity)) renewed.renew(plan, payment.id, this.calendar, now);
      membership = renewed;
    } else {
      const live = await this.memberships.findLiveByUserId(payment.userId);
      if (live) {
        live.extend(plan, payment.id, this.calendar, now);
        membership = live;
      } else {
        membership = Membership.activate({
          id: this.ids.newId(), userId: payment.userId, plan, paymentId: payment.id,
          start: payment.paidAt ?? now, billingKey: null, now,
        }, this.calendar);
      }
    }
    if (payment.customerUid && membership.isLive) membership.attachBillingKey(payment.customerUid, now);
    payment.markFulfilled(now);
    await this.memberships.save(membership);
    await this.payments.save(payment);
  }
}
