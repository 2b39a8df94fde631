import type { PaymentRepository } from '../../payment/application/payment-repository.port';
import type { PaymentSettlement } from '../../payment/application/payment-settlement.service';
import type { Payment } from '../../payment/domain/payment.entity';
import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Membership } from '../domain/membership.entity';
import { NoActiveMembershipError } from '../domain/membership.errors';
import { quoteRefund, type RefundRule } from '../domain/refund-policy';
import type { MembershipRepository } from './membership-repository.port';
import { currentPeriodPayment, refundSubject } from './refund-subject';

export interface CancelMembershipInput {
  userId: string;
  refund: boolean;
  reason: string | null;
}

export interface CancelMembershipResult {
  membership: Membership;
  refund: { amount: number } | null;
}

/**
 * With a refund, the membership ends now and the quoted amount is asked of the gateway (with the
 * checksum) after the commit; without, it runs to the period end and is not renewed. The
 * membership's own transition happens once, so concurrent cancels make one refund.
 */
export class CancelMembership {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly settlement: PaymentSettlement,
    private readonly uow: UnitOfWork,
    private readonly rules: RefundRule[],
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: CancelMembershipInput): Promise<CancelMembershipResult> {
    const reason = input.reason ?? (input.refund ? 'cancelled with refund by the member' : 'cancelled at period end by the member');
    const { membership, payment, amount } = await retryOnConflict(() =>
      this.uow.run(async () => {
        const live = await this.memberships.findLiveByUserId(input.userId);
        if (!live) throw new NoActiveMembershipError();
        const now = this.clock.now();
        if (!input.refund) {
          live.cancel('at_period_end', reason, now);
          await this.memberships.save(live);
          return { membership: live, payment: null as Payment | null, amount: 0 };
        }
        const paid = await currentPeriodPayment(this.payments, live);
        const quote = paid ? quoteRefund(refundSubject(paid, live), now, this.rules, this.calendar).refundable : 0;
        live.cancel('now', reason, now);
        await this.memberships.save(live);
        if (paid && quote > 0) {
          paid.requestRefund({ id: this.ids.newId(), amount: quote, reason, requestedBy: 'user', now });
          await this.payments.save(paid);
        }
        return { membership: live, payment: quote > 0 ? paid : null, amount: quote };
      }),
    );
    if (payment) await this.settlement.sendPendingRefunds(payment);
    return { membership, refund: input.refund ? { amount } : null };
  }
}
