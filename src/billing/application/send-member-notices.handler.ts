import type { UserRepository } from '../../identity/application/user-repository.port';
import type { User } from '../../identity/domain/user.entity';
import type { PlanCatalog } from '../../membership/application/plan-catalog.port';
import type { MembershipChangedPayload } from '../../membership/domain/membership.events';
import { MembershipEvents } from '../../membership/domain/membership.events';
import type { Notice, Notifier } from '../../shared/application/notifier.port';
import type { Clock } from '../../shared/application/clock.port';
import type { DomainEvent } from '../../shared/domain/domain-event';
import type { PaymentRepository } from '../../payment/application/payment-repository.port';
import type { MemberNotices, RenderedNotice } from './member-notices';
import { NOTICE_HOLD_MS, type NotificationKey, type NotificationLog } from './notification-log.port';

interface RenewalFailedPayload {
  membershipId: string;
  userId: string;
  attempt: number;
  reason: string;
  finalAttempt: boolean;
  periodNo?: number;
}

/**
 * Receipts when a period is paid and a notice when a renewal is declined, each once per
 * (membership, period, kind) however often the event is delivered, in the member's language.
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
  ) {}

  readonly handle = async (event: DomainEvent): Promise<void> => {
    if (event.type === MembershipEvents.RenewalFailed) {
      const failed = event.payload as unknown as RenewalFailedPayload;
      await this.send(failed.userId, { membershipId: failed.membershipId, periodNo: failed.attempt, kind: 'renewal_failed' },
        (user) => this.notices.renewalFailed(user.language, failed));
      return;
    }
    const changed = event.payload as unknown as MembershipChangedPayload;
    const payment = changed.paymentId ? await this.payments.findById(changed.paymentId) : null;
    const plan = this.catalog.find(changed.planId);
    // Nothing to state a receipt from (a payment or plan since removed): no receipt rather than a wrong one.
    if (!payment || !plan) return;
    await this.send(changed.userId, { membershipId: changed.membershipId, periodNo: changed.periodNo, kind: 'receipt' }, (user) => this.notices.receipt(user.language, {
      buyerName: user.name, planName: plan.names, merchantUid: payment.merchantUid, amount: payment.amount,
      paidAt: payment.paidAt ?? event.occurredAt, payMethod: payment.toProps().payMethod,
      periodStart: new Date(changed.paidFrom ?? changed.periodStart), periodEnd: new Date(changed.periodEnd),
    }));
  };

  private async send(userId: string, key: NotificationKey, render: (user: User) => RenderedNotice): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) return;
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
    super(`the ${key.kind} notice of membership ${key.membershipId}, period ${key.periodNo}, is held by another delivery`);
    this.name = 'NoticeHeldError';
  }
}
