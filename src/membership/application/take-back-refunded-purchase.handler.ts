import type { PaymentCancelledEvent, PaymentRepository } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { type PlanCatalog, planMonths } from '../../pricing/pricing.api';
import type { Membership, PurchaseLeft } from '../domain/membership.entity';
import type { ConsentRequestRepository } from './consent-request-repository.port';
import type { MembershipRepository } from './membership-repository.port';
import { boughtPartOf } from './refund-subject';

/**
 * A payment refunded in full (by an operator, or at the gateway's console) takes back the months it
 * bought: a membership extended by other purchases runs on for theirs (on the plan of the latest one
 * left, at most at what it paid), one bought by this payment alone ends now, as a cancel with refund
 * does, unless it began as a free trial not yet over: then it is that trial again (of its own plan),
 * and a consent the member gave to the charge at its end still stands. The
 * member's own cancel ends it itself, once every refund it asked for has an answer, so its refunds are
 * left to it (or to EndMembershipOnMemberRefund, when that cancel could not record its answer). A payment
 * of an earlier membership (refunded after it ended) leaves the member's current one, paid on its own, as it is.
 */
export class TakeBackRefundedPurchase {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly consents: ConsentRequestRepository,
    private readonly catalog: PlanCatalog,
    private readonly uow: UnitOfWork,
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
  ) {}

  readonly handle = async (event: PaymentCancelledEvent): Promise<void> => {
    const payload = event.payload;
    if (!payload.fullyCancelled || payload.byMember) return;
    await retryOnConflict(() =>
      this.uow.run(async () => {
        const live = await this.memberships.findLiveByUserId(payload.userId);
        if (!live) return;
        const payment = await this.payments.findById(payload.paymentId);
        if (!payment || !boughtPartOf(payment, live)) return;
        const plan = this.catalog.find(payment.purpose.planId);
        // A plan since removed from the catalog: its months are unknown, so nothing is kept.
        if (plan) {
          live.takeBackPurchase(planMonths(plan), await this.purchaseLeft(live, payment.id), this.calendar, this.clock.now());
          if (live.inTrial) await this.keepConsentToTrialEnd(live);
        } else live.cancel('now', 'payment refunded in full', this.clock.now());
        await this.memberships.save(live);
      }),
    );
  };

  /**
   * The latest purchase of `membership` still paid for besides `refundedId` (a first purchase, an extension or
   * a renewal): what is left renews on its plan, at most at what it paid. Null when none is (or its plan is gone).
   */
  private async purchaseLeft(membership: Membership, refundedId: string): Promise<PurchaseLeft | null> {
    const latest = (await this.payments.listByUser(membership.userId))
      .filter((p) => p.id !== refundedId && p.status === 'paid' && p.isFulfilled && boughtPartOf(p, membership))
      .sort((a, b) => (b.paidAt as Date).getTime() - (a.paidAt as Date).getTime())[0];
    const plan = latest ? this.catalog.find(latest.purpose.planId) : undefined;
    return latest && plan ? { plan, amount: latest.amount } : null;
  }

  /** Back in its trial with a ceiling of 0: the member's acceptance of the charge at the trial's end, if given, is theirs still. */
  private async keepConsentToTrialEnd(trial: Membership): Promise<void> {
    const accepted = (await this.consents.listByUser(trial.userId))
      .find((r) => r.membershipId === trial.id && r.periodNo === trial.nextPeriodNo && r.toProps().planId === trial.planId && r.status === 'accepted');
    if (accepted) trial.consentTo(accepted.newAmount, this.clock.now());
  }
}
