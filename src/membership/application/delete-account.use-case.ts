import type { ConfirmPassword, User, UserRepository } from '../../identity/identity.api';
import type { Payment, PaymentRepository } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { IdempotencyStore } from '../../shared/application/idempotency-store.port';
import type { SessionStore } from '../../shared/application/session-store.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { ConcurrencyConflictError } from '../../shared/domain/domain-error';
import type { Membership } from '../domain/membership.entity';
import { type RetainedRecord, type RetentionClass, retentionEnds } from '../domain/retention';
import type { CancelMembership, CancelMembershipResult } from './cancel-membership.use-case';
import type { MembershipRepository } from './membership-repository.port';
import type { RetainedRecordStore } from './retained-record-store.port';

export interface DeleteAccountInput {
  userId: string;
  password: string;
  /** The member's choice for a live membership: the policy's refund now, or none. It ends now either way. */
  refund: boolean;
  ip: string;
}

export interface DeleteAccountResult {
  refund: CancelMembershipResult['refund'];
  /**
   * Set when nothing was deleted because the membership could not be ended: the database became
   * unavailable after the refund was sent. It is as it was; the refund stays pending for the reconciler.
   */
  notEnded?: CancelMembershipResult['membership'];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * `DELETE /api/me` (PIPA art. 21): the password again, then the live membership ends now with the
 * member's choice of refund (a refused refund stops here: 502, nothing deleted, the member may try
 * again; one whose refund was sent but could not be recorded stops here too: 202 pending, nothing deleted); its end releases the billing key at the gateway (ReleaseBillingKey). Then, in one unit
 * of work, the user row is anonymised, the member's orders that could still turn paid are closed (a
 * charge for one is returned whole, Payment.closeForDeletedAccount), the contract and payment records
 * the E-Commerce Act makes us keep are copied into retained storage with their class and purge time,
 * every session of the member is revoked and the answers kept for its Idempotency-Key replays are forgotten. Wrong passwords count with failed logins (identity's ConfirmPassword).
 */
export class DeleteAccount {
  constructor(
    private readonly users: UserRepository,
    private readonly confirmPassword: ConfirmPassword,
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly cancelMembership: CancelMembership,
    private readonly retained: RetainedRecordStore,
    private readonly sessions: SessionStore,
    /** Answers kept for Idempotency-Key replays: a checkout's names the buyer, a signup's the user. */
    private readonly keptAnswers: IdempotencyStore,
    private readonly uow: UnitOfWork,
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(input: DeleteAccountInput): Promise<DeleteAccountResult> {
    const user = await this.confirmPassword.execute({ userId: input.userId, password: input.password, ip: input.ip });
    // Run again when an order of the member was settled meanwhile: a membership it started is ended first.
    return retryOnConflict(() => this.endAndDelete(user, input.refund));
  }

  private async endAndDelete(user: User, withRefund: boolean): Promise<DeleteAccountResult> {
    let refund: DeleteAccountResult['refund'] = null;
    if (await this.memberships.findLiveByUserId(user.id)) {
      const ended = await this.cancelMembership.execute({ userId: user.id, refund: withRefund, reason: 'account deleted by the member', endNow: true });
      refund = ended.refund;
      // A deleted account must not keep a live membership (it could still renew on the stored card).
      if (ended.membership.isLive) return { refund, notEnded: ended.membership };
    }

    await this.uow.run(async () => {
      // First: the user row's lock makes a checkout of this member under way finish before (its order is
      // closed below) or find the account deleted; every read after this sees it.
      await this.users.anonymise(user.id);
      // A payment settled since the look above may have started a membership: end it first (run again).
      if (await this.memberships.findLiveByUserId(user.id)) throw new ConcurrencyConflictError('membership', user.id);
      const now = this.clock.now();
      const payments = await this.payments.listByUser(user.id);
      // An order still open (or paid and not yet applied) can buy nothing once the account is gone: a charge
      // for it is returned whole. Its save checks the version, so a settlement under way loses to it or wins first.
      for (const payment of payments) {
        payment.closeForDeletedAccount(now, this.ids.newId());
        if (payment.hasUnsavedChanges) await this.payments.save(payment);
      }
      const records = [
        ...(await this.memberships.listByUserId(user.id)).map((m) => this.contractRecord(user, m, now)),
        ...payments.filter((p) => p.paidAt !== null).map((p) => this.paymentRecord(user, p, now)),
      ].filter((r) => r.purgeAfter > now); // a record past its class's time is destroyed, not moved
      await this.retained.add(records);
      // In the same unit: a deletion answered 503 must leave the account whole, and one done must leave no session alive.
      await this.sessions.destroyForUser(user.id);
      await this.keptAnswers.forgetUser(user.id);
    });
    return { refund };
  }

  /** The contract, with the only copy of who the member was: the live row no longer says. */
  private contractRecord(user: User, m: Membership, now: Date): RetainedRecord {
    return this.record('contract', user, 'membership', m.id, now, m.endedAt ?? now, {
      member: { name: user.name, email: user.email, signed_up_at: user.createdAt.toISOString() },
      membership: {
        id: m.id, plan: m.planId, status: m.status, anchor_at: m.anchorAt.toISOString(), period_start: m.periodStart.toISOString(),
        period_end: m.periodEnd.toISOString(), ended_at: iso(m.endedAt), auto_renew: m.autoRenew, cancel_at_period_end: m.cancelAtPeriodEnd,
      },
    });
  }

  /** A payment and its refunds (withdrawals) as paid; failed attempts moved no money and are not kept. */
  private paymentRecord(user: User, p: Payment, now: Date): RetainedRecord {
    return this.record('payment', user, 'payment', p.merchantUid, now, p.paidAt as Date, {
      merchant_uid: p.merchantUid, gateway: p.gateway, gateway_payment_id: p.gatewayPaymentId, plan: p.purpose.planId, amount: p.amount,
      status: p.status, paid_at: iso(p.paidAt), cancelled_amount: p.cancelledAmount,
      refunds: p.cancellations.map((c) => ({ amount: c.amount, status: c.status, reason: c.reason, requested_by: c.requestedBy, requested_at: iso(c.requestedAt), settled_at: iso(c.settledAt) })),
    });
  }

  private record(
    retentionClass: RetentionClass, user: User, kind: string, recordRef: string, now: Date, recordedAt: Date, payload: Record<string, unknown>,
  ): RetainedRecord {
    // Counted from the event the record is of (the payment, the contract's end), not from the deletion: kept no longer than the law asks.
    return { id: this.ids.newId(), retentionClass, subjectId: user.id, kind, recordRef, payload, retainedAt: now, purgeAfter: retentionEnds(retentionClass, recordedAt, this.calendar) };
  }
}
