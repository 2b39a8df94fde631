import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { type Payment, PaymentEvents, type PaymentFulfilment, type PaymentPaidEvent, type PaymentRepository, type UnboughtRenewal } from '../../payment/payment.api';
import { ConflictError } from '../../shared/domain/conflict-error';
import { ConcurrencyConflictError } from '../../shared/domain/domain-error';
import { type Plan, type PlanCatalog, UnknownPlanError } from '../../pricing/pricing.api';
import { Membership } from '../domain/membership.entity';
import type { MembershipRepository } from './membership-repository.port';

/**
 * PaymentPaid -> the membership: activated on a first purchase, extended from the current end when
 * bought while live, renewed by a renewal charge. The payment's `fulfilled` mark, saved in the same
 * transaction, makes a redelivered event a no-op. A renewal charge that lands once its membership can
 * no longer take it (ended meanwhile: cancelled, expired, its account deleted; or the period it pays for
 * bought by a purchase meanwhile) buys nothing: the payment is closed and the charge owed back whole
 * (Payment.returnUnboughtCharge), which the settlement sends after its commit and the reconciler retries.
 */
export class FulfilPaidPayment implements PaymentFulfilment {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly memberships: MembershipRepository,
    private readonly catalog: PlanCatalog,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly calendar: BusinessCalendar,
  ) {}

  /** The relay's way (and a payment the settlement could not fulfil): its own unit of work, reloading the payment. */
  readonly handle = async (event: PaymentPaidEvent): Promise<void> => {
    const { paymentId } = event.payload;
    await retryOnConflict(() => this.uow.run(async () => {
      const payment = await this.payments.findById(paymentId);
      if (!payment || !needsFulfilment(payment)) return;
      const plan = this.catalog.find(payment.purpose.planId);
      if (!plan) throw new UnknownPlanError(payment.purpose.planId);
      await this.apply(payment, plan);
      await this.payments.save(payment);
    }));
  };

  /**
   * The settlement's way: in its unit of work, on the payment it is about to save (no re-read, one
   * payment update). Another payment of the buyer activating a membership at the same moment loses
   * on the one-live-membership rule: a conflict, so the whole unit runs again and extends it instead.
   */
  async fulfilInTransaction(payment: Payment): Promise<Membership | null> {
    if (!needsFulfilment(payment)) return null;
    const plan = this.catalog.find(payment.purpose.planId);
    // A plan since removed: the payment stays paid and unfulfilled, and its event undelivered, as before.
    if (!plan) return null;
    let membership: Membership | null;
    try {
      membership = await this.apply(payment, plan);
    } catch (error) {
      if (error instanceof ConflictError && error.rule === 'memberships_one_live_per_user') throw new ConcurrencyConflictError('membership', payment.userId);
      throw error;
    }
    payment.noteHandledInTransaction(PaymentEvents.Paid, FULFIL_PAID_PAYMENT);
    return membership;
  }

  /**
   * Saves the membership the payment buys and marks the payment fulfilled, or closes a renewal payment
   * that buys nothing with its charge owed back (the caller saves the payment).
   */
  private async apply(payment: Payment, plan: Plan): Promise<Membership | null> {
    const now = this.clock.now();

    let membership: Membership;
    if (payment.purpose.kind === 'renewal' && payment.purpose.membershipId) {
      const renewed = await this.memberships.findById(payment.purpose.membershipId);
      if (!renewed?.isLive) return this.returnUnbought(payment, 'membership_ended', now);
      if (renewed.periodNo >= (payment.purpose.periodNo ?? Infinity)) return this.returnUnbought(payment, 'period_already_paid', now);
      // The member's latest word stands: auto-renew turned off, cancelled at the period end, the card
      // removed or changed while this charge was at the gateway.
      if (!renewed.autoRenew || renewed.billingKey !== payment.customerUid) return this.returnUnbought(payment, 'renewal_stopped', now);
      renewed.renew(plan, payment.id, payment.amount, this.calendar, now);
      membership = renewed;
    } else {
      const live = await this.memberships.findLiveByUserId(payment.userId);
      if (live) {
        live.extend(plan, payment.id, payment.amount, this.calendar, now);
        membership = live;
      } else {
        membership = Membership.activate({
          id: this.ids.newId(), userId: payment.userId, plan, paymentId: payment.id, amount: payment.amount,
          start: payment.paidAt ?? now, billingKey: null, now,
        }, this.calendar);
      }
    }
    // A purchase's card becomes the membership's; a renewal was charged on the membership's own card.
    if (payment.purpose.kind !== 'renewal' && payment.customerUid && membership.isLive) membership.attachBillingKey(payment.customerUid, now);
    await this.memberships.save(membership);
    payment.markFulfilled(now);
    return membership;
  }

  /** A renewal charge its membership can no longer take: nothing is bought, the charge is owed back whole. */
  private returnUnbought(payment: Payment, why: UnboughtRenewal, now: Date): null {
    payment.returnUnboughtCharge(why, now, this.ids.newId());
    return null;
  }
}

/** The handler's name on the event bus. */
export const FULFIL_PAID_PAYMENT = 'FulfilPaidPayment';

function needsFulfilment(payment: Payment): boolean {
  return !payment.isFulfilled && (payment.status === 'paid' || payment.status === 'cancelled');
}
