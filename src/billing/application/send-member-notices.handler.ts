import { isDeletedUser, type User, type UserRepository } from '../../identity/identity.api';
import type { PlanCatalog } from '../../pricing/pricing.api';
import { type MembershipChangedEvent, MembershipEvents, type RefundPolicy, type RenewalFailedEvent, type RenewalFailedPayload, withdrawalWindowEnd } from '../../membership/membership.api';
import { PaymentEvents, type PaymentRefundRejectedEvent, type PaymentRepository } from '../../payment/payment.api';
import type { Notice, Notifier } from '../../shared/application/notifier.port';
import type { Clock } from '../../shared/application/clock.port';
import type { TypedEvent } from '../../shared/domain/domain-event';
import type { MemberNotices, RenderedNotice } from './member-notices';
import { NOTICE_HOLD_MS, type NotificationKey, type NotificationLog } from './notification-log.port';

/**
 * The notice key of a declined renewal: (membership, period, renewal_failed, attempt). An event
 * recorded before it carried its period keeps the key it was first sent under (period = attempt),
 * so a redelivered old event is not sent twice.
 */
type RecordedRenewalFailure = Omit<RenewalFailedPayload, 'periodNo'> & { periodNo?: number };

/** The events that send a member a notice. */
export type MemberNoticeEvent = MembershipChangedEvent | TypedEvent<RenewalFailedEvent['type'], RecordedRenewalFailure> | PaymentRefundRejectedEvent;

function renewalFailedKey(failed: RecordedRenewalFailure): NotificationKey {
  if (failed.periodNo === undefined) {
    return { membershipId: failed.membershipId, periodNo: failed.attempt, kind: 'renewal_failed', attempt: 0 };
  }
  return { membershipId: failed.membershipId, periodNo: failed.periodNo, kind: 'renewal_failed', attempt: failed.attempt };
}

/**
 * Receipts when a period is paid, a notice when a renewal is declined, each once per
 * (membership, period, kind, attempt) however often the event is delivered, in the member's
 * language: every declined attempt of every period gets its notice, and a receipt goes out once per
 * period. One more when a refund the member was told is pending ends refused (once per refund).
 */
export class SendMemberNotices {
  constructor(
    private readonly users: UserRepository,
    private readonly payments: PaymentRepository,
    private readonly catalog: PlanCatalog,
    private readonly log: NotificationLog,
    private readonly notifier: Notifier,
    private readonly notices: MemberNotices,
    private readonly clock: Clock,
    private readonly refundPolicy: RefundPolicy,
  ) {}

  readonly handle = async (event: MemberNoticeEvent): Promise<void> => {
    if (event.type === PaymentEvents.RefundRejected) {
      const refused = event.payload;
      // A refusal answered at once is shown by the page (502); only one the member heard as pending needs a notice.
      if (refused.requestedBy !== 'user' || !refused.answeredLate) return;
      await this.send(refused.userId, { membershipId: refused.refundId, periodNo: 0, kind: 'refund_rejected', attempt: 0 },
        (user) => this.notices.refundRejected(user.language, { merchantUid: refused.merchantUid, amount: refused.amount, message: refused.message }));
      return;
    }
    if (event.type === MembershipEvents.RenewalFailed) {
      const failed = event.payload;
      await this.send(failed.userId, renewalFailedKey(failed),
        (user) => this.notices.renewalFailed(user.language, failed));
      return;
    }
    const changed = event.payload;
    const payment = changed.paymentId ? await this.payments.findById(changed.paymentId) : null;
    const plan = this.catalog.find(changed.planId);
    // Nothing to state a receipt from (a payment or plan since removed): no receipt rather than a wrong one.
    if (!payment || !plan) return;
    const paidAt = payment.paidAt ?? event.occurredAt;
    await this.send(changed.userId, { membershipId: changed.membershipId, periodNo: changed.periodNo, kind: 'receipt', attempt: 0 }, (user) => this.notices.receipt(user.language, {
      buyerName: user.name, planName: plan.names, merchantUid: payment.merchantUid, amount: payment.amount,
      paidAt, payMethod: payment.toProps().payMethod,
      periodStart: new Date(changed.paidFrom ?? changed.periodStart), periodEnd: new Date(changed.periodEnd),
      gatewayPaymentId: payment.gatewayPaymentId, card: payment.card,
      withdrawalEndsAt: withdrawalWindowEnd(this.refundPolicy, plan.id, paidAt),
    }));
  };

  private async send(userId: string, key: NotificationKey, render: (user: User) => RenderedNotice): Promise<void> {
    const user = await this.users.findById(userId);
    // A deleted account has no address left (what happens to its pending refund is on the operator's refunds list).
    if (!user || isDeletedUser(user)) return;
    const now = this.clock.now();
    if (!(await this.log.claim(key, now, new Date(now.getTime() + NOTICE_HOLD_MS)))) {
      if (await this.log.isSent(key)) return;
      // Held by a delivery still sending, or by one whose process died: fail, so the event comes
      // again and, once the hold has run out unsent, this notice goes out after all.
      throw new NoticeHeldError(key);
    }
    const notice: Notice = { kind: key.kind, to: user.email, ...render(user) };
    try {
      await this.notifier.send(notice);
    } catch (error) {
      await this.log.release(key);
      throw error;
    }
    await this.log.sent(key, this.clock.now());
  }
}

/** Another delivery holds the notice's key and has not (yet) sent it. */
export class NoticeHeldError extends Error {
  constructor(key: NotificationKey) {
    super(`the ${key.kind} notice of membership ${key.membershipId}, period ${key.periodNo}, attempt ${key.attempt}, is held by another delivery`);
    this.name = 'NoticeHeldError';
  }
}
