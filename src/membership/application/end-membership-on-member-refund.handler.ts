import type { PaymentCancelledEvent, PaymentRepository } from '../../payment/payment.api';
import type { PlanCatalog } from '../../pricing/pricing.api';
import type { Clock } from '../../shared/application/clock.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { RefundPolicy } from '../domain/refund-policy';
import type { MembershipRepository } from './membership-repository.port';
import { boughtPartOf, membersSettledRefund, refundablePurchases, stillToAsk } from './refund-subject';

/**
 * A refund the member's cancel asked for, settled refunded while their membership is still live, ends
 * it as that cancel would have: cancelled now with the member's reason (auto-renew off, the card released
 * by ReleaseBillingKey). That is the cancel whose database became unavailable once the refund was sent: it
 * answered 202 pending with the membership live, and the reconciler settles the refund later. Without
 * this the member stays active and is charged at the next renewal.
 *
 * A cancel still running (its first refund settles in its own flow) asks the next purchase's refund
 * next and ends the membership itself, so this acts only once nothing is left for a cancel to ask: no
 * refund pending on the membership's purchases, and each the policy still returns money of carries the
 * member's settled refund. A refused refund settles no money (PaymentRefundRejected), so the membership
 * stays as it is. A duplicate event, or a cancel retried at the same time, finds it ended (the save's
 * version decides which one ends it).
 */
export class EndMembershipOnMemberRefund {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly catalog: PlanCatalog,
    private readonly policy: RefundPolicy,
    private readonly uow: UnitOfWork,
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
  ) {}

  readonly handle = async (event: PaymentCancelledEvent): Promise<void> => {
    const payload = event.payload;
    if (!payload.byMember) return;
    await retryOnConflict(() =>
      this.uow.run(async () => {
        const live = await this.memberships.findLiveByUserId(payload.userId);
        if (!live) return;
        const payment = await this.payments.findById(payload.paymentId);
        const refund = payment ? membersSettledRefund(payment) : undefined;
        if (!payment || !refund || !boughtPartOf(payment, live)) return;
        const now = this.clock.now();
        const purchases = await refundablePurchases(this.payments, this.catalog, live, now, this.policy, this.calendar);
        const leftToAsk = purchases.some((p) => p.payment.pendingRefundAmount > 0 || stillToAsk(p));
        if (leftToAsk) return;
        live.cancel('now', refund.reason, now);
        await this.memberships.save(live);
      }),
    );
  };
}
