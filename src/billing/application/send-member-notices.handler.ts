import { isDeletedUser, type User, type UserRepository } from '../../identity/identity.api';
import type { PlanCatalog } from '../../pricing/pricing.api';
import { type MembershipChangedEvent, MembershipEvents, type RefundPolicy, type RenewalFailedEvent, type RenewalFailedPayload, withdrawalWindowEnd } from '../../membership/membership.api';
import { type Payment, PaymentEvents, type PaymentRefundRejectedEvent, type PaymentRepository } from '../../payment/payment.api';
import type { Notice, Notifier } from '../../shared/application/notifier.port';
import type { Clock } from '../../shared/application/clock.port';
import type { TypedEvent } from '../../shared/domain/domain-event';
import type { MemberNotices, RenderedNotice } from './member-notices';
import { inChunks, NOTICE_HOLD_MS, NOTICES_PER_WRITE, type NotificationKey, notificationKeyText, type NotificationLog } from './notification-log.port';

/**
 * The notice key of a declined renewal: (membership, period, renewal_failed, attempt). An event
 * recorded before it carried its period keeps the key it was first sent under (period = attempt),
 * so a redelivered old event is not sent twice.
 */
type RecordedRenewalFailure = Omit<RenewalFailedPayload, 'periodNo'> & { periodNo?: number };

interface PlannedNotice {
  userId: string;
  key: NotificationKey;
  render(user: User): RenderedNotice;
}

/** A receipt's event: a period bought (activated or extended), not a renewal's or a refund's notice. */
function isReceiptEvent(event: MemberNoticeEvent): event is MembershipChangedEvent {
  return event.type !== PaymentEvents.RefundRejected && event.type !== MembershipEvents.RenewalFailed;
}

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
 * The relay hands its batches of receipts to `handleMany`, which shares the reads and the log's writes.
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
    const planned = await this.plan(event);
    if (planned) await this.send(planned);
  };

  /**
   * The relay's batches of receipts: the payments and members read at once, the keys taken and marked
   * sent in one write each per NOTICES_PER_WRITE notices. Answers the events whose notice could not go out.
   */
  readonly handleMany = async (events: MemberNoticeEvent[]): Promise<Array<{ event: MemberNoticeEvent; error: unknown }>> => {
    const failures: Array<{ event: MemberNoticeEvent; error: unknown }> = [];
    const planned: Array<{ event: MemberNoticeEvent; notice: PlannedNotice }> = [];
    const paymentIds = events.flatMap((event) => (isReceiptEvent(event) && event.payload.paymentId ? [event.payload.paymentId] : []));
    const payments = new Map((await this.payments.findByIds(paymentIds)).map((payment) => [payment.id, payment]));
    for (const event of events) {
      try {
        const notice = await this.plan(event, (id) => payments.get(id) ?? null);
        if (notice) planned.push({ event, notice });
      } catch (error) {
        failures.push({ event, error });
      }
    }
    const members = new Map((await this.users.findByIds([...new Set(planned.map((p) => p.notice.userId))])).map((user) => [user.id, user]));
    const addressed = planned.flatMap(({ event, notice }) => {
      const user = members.get(notice.userId);
      return user && !isDeletedUser(user) ? [{ event, notice, user }] : [];
    });
    await inChunks(addressed, NOTICES_PER_WRITE, async (chunk) => {
      const now = this.clock.now();
      const took = new Set((await this.log.claimEach(chunk.map((a) => a.notice.key), now, new Date(now.getTime() + NOTICE_HOLD_MS))).map(notificationKeyText));
      const sent: NotificationKey[] = [];
      for (const { event, notice, user } of chunk) {
        try {
          // An event uses up the key it took: another of the batch under the same key finds it held, as `send` would.
          if (!took.delete(notificationKeyText(notice.key))) {
            if (await this.log.isSent(notice.key)) continue;
            throw new NoticeHeldError(notice.key);
          }
          await this.sendTaken(notice, user);
          sent.push(notice.key);
        } catch (error) {
          failures.push({ event, error });
        }
      }
      await this.log.sentEach(sent, this.clock.now());
    });
    return failures;
  };

  /** Whom the event's notice is for, under which key, and how it reads; null when it sends none. */
  private async plan(event: MemberNoticeEvent, paymentOf: (id: string) => Payment | null | Promise<Payment | null> = (id) => this.payments.findById(id)): Promise<PlannedNotice | null> {
    if (event.type === PaymentEvents.RefundRejected) {
      const refused = event.payload;
      // A refusal answered at once is shown by the page (502); only one the member heard as pending needs a notice.
      if (refused.requestedBy !== 'user' || !refused.answeredLate) return null;
      return {
        userId: refused.userId, key: { membershipId: refused.refundId, periodNo: 0, kind: 'refund_rejected', attempt: 0 },
        render: (user) => this.notices.refundRejected(user.language, { merchantUid: refused.merchantUid, amount: refused.amount, message: refused.message }),
      };
    }
    if (event.type === MembershipEvents.RenewalFailed) {
      const failed = event.payload;
      return { userId: failed.userId, key: renewalFailedKey(failed), render: (user) => this.notices.renewalFailed(user.language, failed) };
    }
    const changed = event.payload;
    const payment = changed.paymentId ? await paymentOf(changed.paymentId) : null;
    const plan = this.catalog.find(changed.planId);
    // Nothing to state a receipt from (a payment or plan since removed): no receipt rather than a wrong one.
    if (!payment || !plan) return null;
    const paidAt = payment.paidAt ?? event.occurredAt;
    return {
      userId: changed.userId, key: { membershipId: changed.membershipId, periodNo: changed.periodNo, kind: 'receipt', attempt: 0 },
      render: (user) => this.notices.receipt(user.language, {
        buyerName: user.name, planName: plan.names, merchantUid: payment.merchantUid, amount: payment.amount,
        paidAt, payMethod: payment.toProps().payMethod,
        periodStart: new Date(changed.paidFrom ?? changed.periodStart), periodEnd: new Date(changed.periodEnd),
        gatewayPaymentId: payment.gatewayPaymentId, card: payment.card,
        withdrawalEndsAt: withdrawalWindowEnd(this.refundPolicy, plan.id, paidAt),
      }),
    };
  }

  private async send(notice: PlannedNotice): Promise<void> {
    const user = await this.users.findById(notice.userId);
    // A deleted account has no address left (what happens to its pending refund is on the operator's refunds list).
    if (!user || isDeletedUser(user)) return;
    const now = this.clock.now();
    if (!(await this.log.claim(notice.key, now, new Date(now.getTime() + NOTICE_HOLD_MS)))) {
      if (await this.log.isSent(notice.key)) return;
      // Held by a delivery still sending, or by one whose process died: fail, so the event comes
      // again and, once the hold has run out unsent, this notice goes out after all.
      throw new NoticeHeldError(notice.key);
    }
    await this.sendTaken(notice, user);
    await this.log.sent(notice.key, this.clock.now());
  }

  /** Sends the notice of a key this delivery holds; gives the key back when it cannot. */
  private async sendTaken(notice: PlannedNotice, user: User): Promise<void> {
    const sent: Notice = { kind: notice.key.kind, to: user.email, ...notice.render(user) };
    try {
      await this.notifier.send(sent);
    } catch (error) {
      await this.log.release(notice.key);
      throw error;
    }
  }
}

/** Another delivery holds the notice's key and has not (yet) sent it. */
export class NoticeHeldError extends Error {
  constructor(key: NotificationKey) {
    super(`the ${key.kind} notice of membership ${key.membershipId}, period ${key.periodNo}, attempt ${key.attempt}, is held by another delivery`);
    this.name = 'NoticeHeldError';
  }
}
