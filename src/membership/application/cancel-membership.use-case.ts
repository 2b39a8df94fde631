import type { Payment, PaymentRepository, PaymentSettlement, RefundStatus } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import { DatabaseUnavailableError } from '../../shared/application/database.errors';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { KeyedLock } from '../../shared/application/keyed-lock';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { Membership } from '../domain/membership.entity';
import { NoActiveMembershipError, RefundRejectedError } from '../domain/membership.errors';
import type { RefundPolicy } from '../domain/refund-policy';
import type { MembershipRepository } from './membership-repository.port';
import type { PlanCatalog } from '../../pricing/pricing.api';
import { refundablePurchases, stillToAsk } from './refund-subject';

export interface CancelMembershipInput {
  userId: string;
  refund: boolean;
  reason: string | null;
  /** Without a refund, end now rather than at the period end (the member is deleting their account). */
  endNow?: boolean;
}

export interface CancelMembershipResult {
  /** Still live when the database became unavailable after the gateway was asked: as loaded before, not ended. */
  membership: Membership;
  /** refunded: the gateway returned it all; pending: it could not answer (yet), or its answer could not be recorded; the reconciler settles it. */
  refund: { amount: number; status: 'refunded' | 'pending' } | null;
}

/** A refund this cancel asked for, and the payment it is on. */
interface RequestedRefund {
  /** The live membership as the request's unit of work read it. */
  membership: Membership;
  payment: Payment;
  refundId: string;
  amount: number;
}

interface RefundOutcome {
  merchantUid: string;
  amount: number;
  status: RefundStatus;
  message: string | null;
}

/**
 * Without a refund the membership runs to the period end and is not renewed. With one, the
 * policy's amount of every purchase still paying for time to come, and not yet refunded by the member's
 * cancel (a retry asks only the rest: stillToAsk), is asked of the gateway first
 * (each recorded as pending, then sent after its commit); the membership ends only when the gateway
 * returned it, or could not answer (202: the reconciler settles it). A refusal leaves the membership as it
 * was and answers 502 (DESIGN §6 "Refund outcomes"). A database that becomes unavailable once a refund
 * was sent answers that refund pending with the membership as it was (still live), not 503: the money may
 * have gone back, and the reconciler settles it; once it settles refunded, EndMembershipOnMemberRefund ends the
 * membership as this cancel would have. One cancel per member runs at a time here;
 * across instances a payment's pending refund keeps a second one from being asked.
 */
export class CancelMembership {
  private readonly perMember = new KeyedLock();

  constructor(
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly settlement: PaymentSettlement,
    private readonly uow: UnitOfWork,
    private readonly catalog: PlanCatalog,
    private readonly policy: RefundPolicy,
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: CancelMembershipInput): Promise<CancelMembershipResult> {
    return this.perMember.run(input.userId, () => (input.refund ? this.cancelWithRefund(input) : this.cancelAtPeriodEnd(input)));
  }

  private async cancelAtPeriodEnd(input: CancelMembershipInput): Promise<CancelMembershipResult> {
    const membership = input.endNow
      ? await this.endLive(input.userId, (live) => live.cancel('now', input.reason ?? 'cancelled now without refund by the member', this.clock.now()))
      : await this.endLive(input.userId, (live) => live.cancel('at_period_end', input.reason ?? 'cancelled at period end by the member', this.clock.now()));
    return { membership, refund: null };
  }

  private async cancelWithRefund(input: CancelMembershipInput): Promise<CancelMembershipResult> {
    const reason = input.reason ?? 'cancelled with refund by the member';
    const outcomes: RefundOutcome[] = [];
    const progress: { sent: RequestedRefund | null } = { sent: null };
    try {
      return await this.refundThenEnd(input.userId, reason, outcomes, progress);
    } catch (error) {
      const sent = progress.sent;
      if (!(error instanceof DatabaseUnavailableError) || sent === null) throw error;
      // The gateway was asked and may have returned the money: a 503 ("nothing stored") would deny it. Our
      // records hold the refund pending and the membership live; the reconciler settles it from the gateway's record,
      // and a refund settled refunded ends the membership then (EndMembershipOnMemberRefund).
      const inFlight = outcomes.some((o) => o.merchantUid === sent.payment.merchantUid) ? 0 : sent.amount;
      // No refusal is among the outcomes: refundThenEnd throws on one before it touches the database again.
      const asked = outcomes.reduce((sum, o) => sum + o.amount, inFlight);
      return { membership: sent.membership, refund: { amount: asked, status: 'pending' } };
    }
  }

  private async refundThenEnd(
    userId: string, reason: string, outcomes: RefundOutcome[], progress: { sent: RequestedRefund | null },
  ): Promise<CancelMembershipResult> {
    // One purchase at a time: a refusal stops before anything more is asked.
    for (;;) {
      const asked = outcomes.map((o) => o.merchantUid);
      const next = await this.requestRefund(userId, reason, asked, outcomes.length === 0);
      if (!next) break;
      progress.sent = next;
      const after = await this.settlement.sendPendingRefunds(next.payment);
      const settled = after.cancellations.find((c) => c.id === next.refundId);
      const status = settled?.status ?? 'pending';
      outcomes.push({ merchantUid: after.merchantUid, amount: next.amount, status, message: settled?.gatewayMessage ?? null });
      if (status === 'rejected') break;
      if (status === 'pending') {
        // The gateway is silent: the rest are recorded for the reconciler, not sent into the silence one by one.
        outcomes.push(...(await this.requestRemainingForLater(userId, reason, [...asked, after.merchantUid])));
        break;
      }
    }
    const total = (status: RefundOutcome['status']) => outcomes.filter((o) => o.status === status).reduce((sum, o) => sum + o.amount, 0);
    const refused = outcomes.find((o) => o.status === 'rejected');
    if (refused) {
      throw new RefundRejectedError(refused.message ?? 'the payment gateway refused the refund', {
        refunds: outcomes.map((o) => ({ merchant_uid: o.merchantUid, amount: o.amount, status: o.status, gateway_message: o.message })),
        refunded_amount: total('refunded'),
      });
    }
    const membership = await this.endLive(userId, (live) => live.cancel('now', reason, this.clock.now()), true);
    const pending = outcomes.some((o) => o.status === 'pending');
    return { membership, refund: { amount: total('refunded') + total('pending'), status: pending ? 'pending' : 'refunded' } };
  }

  /** Records the refund of the next purchase not yet asked in this cancel, in one unit of work; null when none is left. */
  private async requestRefund(userId: string, reason: string, asked: string[], first: boolean): Promise<RequestedRefund | null> {
    return retryOnConflict(() =>
      this.uow.run(async () => {
        const live = await this.memberships.findLiveByUserId(userId);
        if (!live) {
          if (first) throw new NoActiveMembershipError();
          return null;
        }
        const now = this.clock.now();
        const purchases = await refundablePurchases(this.payments, this.catalog, live, now, this.policy, this.calendar);
        const next = purchases.find((p) => stillToAsk(p) && !asked.includes(p.payment.merchantUid));
        if (!next) return null;
        const refund = next.payment.requestRefund({ id: this.ids.newId(), amount: next.quote.refundable, reason, requestedBy: 'user', now });
        await this.payments.save(next.payment);
        return { membership: live, payment: next.payment, refundId: refund.id, amount: refund.amount };
      }),
    );
  }

  /** Records every refund not yet asked as pending and unanswered: the reconciler sends them once the gateway answers again. */
  private async requestRemainingForLater(userId: string, reason: string, asked: string[]): Promise<RefundOutcome[]> {
    return retryOnConflict(() =>
      this.uow.run(async () => {
        const live = await this.memberships.findLiveByUserId(userId);
        if (!live) return [];
        const now = this.clock.now();
        const purchases = await refundablePurchases(this.payments, this.catalog, live, now, this.policy, this.calendar);
        const later: RefundOutcome[] = [];
        for (const purchase of purchases) {
          const { payment, quote } = purchase;
          if (!stillToAsk(purchase) || asked.includes(payment.merchantUid)) continue;
          const refund = payment.requestRefund({ id: this.ids.newId(), amount: quote.refundable, reason, requestedBy: 'user', now });
          payment.noteRefundsUnanswered([refund.id], now);
          await this.payments.save(payment);
          later.push({ merchantUid: payment.merchantUid, amount: refund.amount, status: 'pending', message: null });
        }
        return later;
      }),
    );
  }

  /**
   * Applies the member's cancel to the live membership. After the refunds were asked, another
   * cancel (another instance) may have ended it already: that membership is the answer.
   */
  private async endLive(userId: string, act: (live: Membership) => void, afterRefunds = false): Promise<Membership> {
    return retryOnConflict(() =>
      this.uow.run(async () => {
        const live = await this.memberships.findLiveByUserId(userId);
        if (!live) {
          const ended = afterRefunds ? await this.memberships.findLatestByUserId(userId) : null;
          if (ended) return ended;
          throw new NoActiveMembershipError();
        }
        act(live);
        await this.memberships.save(live);
        return live;
      }),
    );
  }
}
