import { AggregateRoot } from '../../shared/domain/aggregate-root';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { InvalidTransitionError } from '../../shared/domain/domain-error';
import { type BillingKeyReleasedPayload, type ConsentMissingPayload, MembershipEvents, type MembershipChangedPayload, type RenewalFailedPayload } from './membership.events';
import { NoBillingKeyError, NoTrialError } from './membership.errors';
import { type Plan, planMonths } from '../../pricing/pricing.api';

export type MembershipStatus = 'active' | 'past_due' | 'cancelled' | 'expired';

export interface MembershipProps {
  id: string;
  userId: string;
  planId: string;
  status: MembershipStatus;
  /** Start of the first paid period: every period end is computed from it (anchor-day arithmetic). */
  anchorAt: Date;
  /** Calendar months paid for since the anchor. */
  monthsPaid: number;
  /** The number of the latest paid period (the first is 1). */
  periodNo: number;
  periodStart: Date;
  periodEnd: Date;
  autoRenew: boolean;
  /** The gateway's handle of the stored card (Iamport's customer_uid); kept until the membership ends or the member removes it. */
  billingKey: string | null;
  nextChargeAt: Date | null;
  renewalAttempts: number;
  cancelAtPeriodEnd: boolean;
  cancelledAt: Date | null;
  /** When access ended (cancelled or expired); null while live. */
  endedAt: Date | null;
  /**
   * A renewal worker holds this membership's charge until then. Another worker (or the same run
   * again) skips it; a crashed attempt is recovered once it has passed. Never cleared: it expires.
   */
  renewalLeaseUntil: Date | null;
  /**
   * The most a renewal may charge: what the member last paid, or the higher price they last
   * consented to (전자상거래법 art. 13(6)). Null on memberships from before consents were recorded:
   * every charge then was the plan's configured price, so that is their ceiling.
   */
  consentedAmount: number | null;
  /** When a free trial ends (the first charge is the renewal then); null for a membership that began paid. */
  trialEndsAt: Date | null;
  /**
   * The plan of the free trial it began with, kept when an extension on another plan changes `planId`:
   * the member's one trial of that plan, and the plan it is a trial of again should that extension be
   * taken back. Null for a membership that began paid.
   */
  trialPlanId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Activation {
  id: string;
  userId: string;
  plan: Plan;
  paymentId: string;
  /** What the member paid for it: the ceiling of later renewals until they consent to more. */
  amount: number;
  /** The payment's paid_at: the first period starts there. */
  start: Date;
  billingKey: string | null;
  now: Date;
}

export interface TrialStart {
  id: string;
  userId: string;
  plan: Plan;
  /** The card stored without a charge: the trial's end charges it. */
  billingKey: string;
  start: Date;
  now: Date;
}

/** The renewal charge a membership makes next: what a consent request is measured against. */
export interface NextCharge {
  /** The period it pays for, and when it is made (the current period's end). */
  periodNo: number;
  at: Date;
  planId: string;
  /** The plan's price for a period starting then, and the most the member consented to. Integer KRW. */
  amount: number;
  ceiling: number;
}

/**
 * The latest purchase still paid for once another is taken back: renewals go on with its plan, and what it
 * paid is the ceiling again (the taken-back payment's amount is no consent).
 */
export interface PurchaseLeft {
  plan: Plan;
  amount: number;
}

/** A paid period: from `start` (inclusive) to `end` (exclusive). */
export interface Period {
  start: Date;
  end: Date;
}

/**
 * The period a purchase of `plan` buys (DESIGN §6 "Checkout answers the period it buys"): from `at`
 * without a live membership, else on from the live one's end. Checkout announces it and fulfilment
 * records it, so both must come from here.
 */
export function periodBoughtBy(live: Membership | null, plan: Plan, at: Date, calendar: BusinessCalendar): Period {
  return live && live.isLive ? live.periodAfterPurchaseOf(plan, calendar) : Membership.firstPeriod(plan, at, calendar);
}

export class Membership extends AggregateRoot {
  private constructor(private props: MembershipProps) {
    super();
  }

  /** The first period of a membership that starts at `start`. */
  static firstPeriod(plan: Plan, start: Date, calendar: BusinessCalendar): Period {
    return { start, end: calendar.addMonths(start, planMonths(plan)) };
  }

  static activate(input: Activation, calendar: BusinessCalendar): Membership {
    const months = planMonths(input.plan);
    const first = Membership.firstPeriod(input.plan, input.start, calendar);
    const membership = new Membership({
      id: input.id,
      userId: input.userId,
      planId: input.plan.id,
      status: 'active',
      anchorAt: input.start,
      monthsPaid: months,
      periodNo: 1,
      periodStart: first.start,
      periodEnd: first.end,
      autoRenew: input.billingKey !== null,
      billingKey: input.billingKey,
      nextChargeAt: null,
      renewalAttempts: 0,
      cancelAtPeriodEnd: false,
      cancelledAt: null,
      endedAt: null,
      renewalLeaseUntil: null,
      consentedAmount: input.amount,
      trialEndsAt: null,
      trialPlanId: null,
      version: 0,
      createdAt: input.now,
      updatedAt: input.now,
    });
    membership.scheduleNextCharge();
    membership.record<MembershipChangedPayload>(MembershipEvents.Activated, input.now, membership.changed(input.paymentId));
    return membership;
  }

  /**
   * A free trial: period 0 runs `trialDays` from `start` with nothing paid, and the renewal at its
   * end is the first charge. The member consented to nothing above 0, so that charge needs a consent.
   * Paid periods count from the trial's end (the anchor).
   */
  static startTrial(input: TrialStart, calendar: BusinessCalendar): Membership {
    const days = input.plan.trialDays ?? 0;
    if (days <= 0) throw new NoTrialError(input.plan.id);
    const end = calendar.addDays(input.start, days);
    const membership = new Membership({
      id: input.id, userId: input.userId, planId: input.plan.id, status: 'active',
      anchorAt: end, monthsPaid: 0, periodNo: 0, periodStart: input.start, periodEnd: end,
      autoRenew: true, billingKey: input.billingKey, nextChargeAt: end, renewalAttempts: 0,
      cancelAtPeriodEnd: false, cancelledAt: null, endedAt: null, renewalLeaseUntil: null,
      consentedAmount: 0, trialEndsAt: end, trialPlanId: input.plan.id, version: 0, createdAt: input.now, updatedAt: input.now,
    });
    membership.record<MembershipChangedPayload>(MembershipEvents.TrialStarted, input.now, membership.changed(''));
    return membership;
  }

  static restore(props: MembershipProps): Membership {
    return new Membership({ ...props });
  }

  get id(): string { return this.props.id; }
  get version(): number { return this.props.version; }
  get userId(): string { return this.props.userId; }
  get planId(): string { return this.props.planId; }
  get status(): MembershipStatus { return this.props.status; }
  get periodNo(): number { return this.props.periodNo; }
  get periodStart(): Date { return this.props.periodStart; }
  get periodEnd(): Date { return this.props.periodEnd; }
  get autoRenew(): boolean { return this.props.autoRenew; }
  get billingKey(): string | null { return this.props.billingKey; }
  get nextChargeAt(): Date | null { return this.props.nextChargeAt; }
  get renewalAttempts(): number { return this.props.renewalAttempts; }
  get cancelAtPeriodEnd(): boolean { return this.props.cancelAtPeriodEnd; }
  get renewalLeaseUntil(): Date | null { return this.props.renewalLeaseUntil; }
  get endedAt(): Date | null { return this.props.endedAt; }
  /** Start of the first paid period: every period's bounds are months from here. */
  get anchorAt(): Date { return this.props.anchorAt; }
  /** Calendar months paid for since the anchor. */
  get monthsPaid(): number { return this.props.monthsPaid; }
  get trialEndsAt(): Date | null { return this.props.trialEndsAt; }
  get trialPlanId(): string | null { return this.props.trialPlanId; }
  /** When it began: its free trial's start (a trial is recorded as it starts), else its first paid period's. */
  get startedAt(): Date { return this.props.trialEndsAt !== null ? this.props.createdAt : this.props.anchorAt; }
  /** In its free trial: nothing paid yet. */
  get inTrial(): boolean { return this.props.trialEndsAt !== null && this.props.periodNo === 0; }

  /** The most a renewal of `plan` may charge without a new consent. */
  chargeCeiling(plan: Plan): number {
    return this.props.consentedAmount ?? plan.amount;
  }

  /** The rule: a renewal never charges more than the member last paid or consented to. */
  mayCharge(amount: number, plan: Plan): boolean {
    return amount <= this.chargeCeiling(plan);
  }

  /** The next renewal charge of `plan` (the membership's own) at `amount`, its price where the period starts. */
  nextCharge(plan: Plan, amount: number): NextCharge {
    return { periodNo: this.nextPeriodNo, at: this.props.periodEnd, planId: this.props.planId, amount, ceiling: this.chargeCeiling(plan) };
  }

  /** The member accepted paying `amount` from the next renewal on. */
  consentTo(amount: number, now: Date): void {
    this.assertLive('take a consent');
    this.props.consentedAmount = amount;
    this.touch(now);
  }

  /**
   * The higher price was refused or never consented to: no renewal, the membership ends at the
   * period's end (the card is released then, as with any cancellation at period end).
   */
  stopRenewalWithoutConsent(now: Date): void {
    this.assertLive('stop renewing');
    if (!this.props.autoRenew && this.props.cancelAtPeriodEnd) return;
    this.props.cancelAtPeriodEnd = true;
    this.props.autoRenew = false;
    this.props.nextChargeAt = null;
    this.touch(now);
    this.record<ConsentMissingPayload>(MembershipEvents.RenewalStoppedWithoutConsent, now, {
      membershipId: this.id, userId: this.userId, planId: this.planId, periodEnd: this.props.periodEnd.toISOString(),
    });
  }

  /** Due for a renewal charge at `asOf`, and not held by another worker. */
  isRenewalDue(asOf: Date, now: Date): boolean {
    return this.isLive && this.props.autoRenew && this.props.billingKey !== null && this.props.nextChargeAt !== null
      && this.props.nextChargeAt <= asOf && !(this.props.renewalLeaseUntil && this.props.renewalLeaseUntil > now);
  }

  /** The number of the period the next renewal charge pays for. */
  get nextPeriodNo(): number {
    return this.props.periodNo + 1;
  }

  /** Takes the renewal charge for this worker until `until`; saving it with the version check is the claim. */
  leaseRenewal(until: Date, now: Date): void {
    this.assertLive('be renewed');
    this.props.renewalLeaseUntil = until;
    this.touch(now);
  }



  get isLive(): boolean {
    return this.props.status === 'active' || this.props.status === 'past_due';
  }

  /** The seed's `user.payment_status`: on while active (within its period, or renewing) or past due inside its grace. */
  grantsAccess(now: Date): boolean {
    if (this.props.status === 'past_due') return true;
    if (this.props.status !== 'active') return false;
    return now < this.props.periodEnd || this.props.nextChargeAt !== null;
  }

  toProps(): MembershipProps {
    return { ...this.props };
  }

  /**
   * What buying `plan` again while live adds: from the current end to the anchor plus every month paid
   * so far and the plan's (anchor-day arithmetic, so a Jan 31 anchor never drifts to the 28th).
   */
  periodAfterPurchaseOf(plan: Plan, calendar: BusinessCalendar): Period {
    return { start: this.props.periodEnd, end: calendar.addMonths(this.props.anchorAt, this.props.monthsPaid + planMonths(plan)) };
  }

  /** Bought again while live: the new period runs on from the current end. */
  extend(plan: Plan, paymentId: string, amount: number, calendar: BusinessCalendar, now: Date): void {
    this.assertLive('extend');
    const paidFrom = this.props.periodEnd;
    this.addPaidPeriod(plan, calendar);
    this.props.planId = plan.id;
    this.props.consentedAmount = amount;
    this.props.cancelAtPeriodEnd = false;
    this.scheduleNextCharge();
    this.touch(now);
    this.record<MembershipChangedPayload>(MembershipEvents.Extended, now, this.changed(paymentId, paidFrom));
  }

  /** A renewal charge succeeded: the next period starts where the last one ended. */
  renew(plan: Plan, paymentId: string, amount: number, calendar: BusinessCalendar, now: Date): void {
    this.assertLive('renew');
    this.props.periodStart = this.props.periodEnd;
    this.addPaidPeriod(plan, calendar);
    // A lower price charged lowers the ceiling: a later rise back is "higher than the last charge" again.
    this.props.consentedAmount = amount;
    this.scheduleNextCharge();
    this.touch(now);
    this.record<MembershipChangedPayload>(MembershipEvents.Renewed, now, this.changed(paymentId));
  }

  /** A renewal charge was declined: past due on the dunning schedule (days after the period end), then expired. */
  renewalFailed(retryAfterDays: number[], reason: string, calendar: BusinessCalendar, now: Date): void {
    this.assertLive('record a failed renewal');
    this.props.renewalAttempts += 1;
    const retryDays = retryAfterDays[this.props.renewalAttempts - 1];
    this.record<RenewalFailedPayload>(MembershipEvents.RenewalFailed, now, {
      membershipId: this.id, userId: this.userId, periodNo: this.nextPeriodNo, attempt: this.props.renewalAttempts, reason, finalAttempt: retryDays === undefined,
    });
    if (retryDays === undefined) {
      this.end('expired', 'renewal_failed', now);
      return;
    }
    this.props.status = 'past_due';
    this.props.nextChargeAt = calendar.addDays(this.props.periodEnd, retryDays);
    this.touch(now);
  }

  /** Ends now (with a refund) or at the period's end (no refund, no renewal). */
  cancel(mode: 'now' | 'at_period_end', reason: string, now: Date): void {
    this.assertLive('cancel');
    if (mode === 'now') {
      this.end('cancelled', reason, now);
      return;
    }
    if (this.props.cancelAtPeriodEnd) return;
    // The card stays stored until the period ends (endIfOver releases it), so the member can still turn auto-renew back on.
    this.props.cancelAtPeriodEnd = true;
    this.props.autoRenew = false;
    this.props.nextChargeAt = null;
    this.touch(now);
  }

  /**
   * A purchase refunded in full by an operator (or at the gateway's console) gives its months back: the
   * membership is shorter by them, and ends now when what is left of it is over already. What is left
   * renews on the plan of `left`, the latest purchase still paid for, at most at what it paid (an
   * extension on another plan no longer sets either); unknown (null), plan and ceiling stay. With no paid
   * month left, a free trial whose end is still ahead is a trial of its own plan again (its days were
   * never paid); otherwise the days left were the refunded purchase's, so it ends now.
   */
  takeBackPurchase(months: number, left: PurchaseLeft | null, calendar: BusinessCalendar, now: Date): void {
    this.assertLive('take back a purchase');
    const monthsLeft = this.props.monthsPaid - months;
    if (monthsLeft <= 0 && this.props.trialEndsAt !== null && now < this.props.trialEndsAt) {
      this.backToTrial(this.props.trialEndsAt, now);
      return;
    }
    const end = calendar.addMonths(this.props.anchorAt, Math.max(monthsLeft, 0));
    if (monthsLeft <= 0 || end <= now) {
      this.end('cancelled', 'payment refunded in full', now);
      return;
    }
    this.props.monthsPaid = monthsLeft;
    this.props.periodEnd = end;
    if (left) {
      this.props.planId = left.plan.id;
      this.props.consentedAmount = left.amount;
    }
    this.scheduleNextCharge();
    this.touch(now);
  }

  /**
   * Back to period 0 of a trial ending at `trialEndsAt`, on the trial's plan, auto-renew and a cancel at its
   * end as the member left them. Its end is the first charge again, and the ceiling goes back to 0: only
   * the member's consent to that charge (given before, re-applied with consentTo, or asked for) lets it be made.
   */
  private backToTrial(trialEndsAt: Date, now: Date): void {
    this.props.planId = this.props.trialPlanId ?? this.props.planId;
    this.props.monthsPaid = 0;
    this.props.periodNo = 0;
    this.props.periodEnd = trialEndsAt;
    this.props.consentedAmount = 0;
    this.scheduleNextCharge();
    this.touch(now);
  }

  /** Past the period's end with nothing to charge: a cancellation at period end takes effect, otherwise it expires. */
  endIfOver(now: Date): boolean {
    if (!this.isLive || now < this.props.periodEnd || this.props.nextChargeAt !== null) return false;
    this.end(this.props.cancelAtPeriodEnd ? 'cancelled' : 'expired', 'period_ended', now);
    return true;
  }

  attachBillingKey(billingKey: string, now: Date): void {
    if (this.props.billingKey === billingKey && this.props.autoRenew) return;
    this.props.billingKey = billingKey;
    this.props.autoRenew = true;
    this.props.cancelAtPeriodEnd = false;
    this.scheduleNextCharge();
    this.touch(now);
  }

  setAutoRenew(enabled: boolean, now: Date): void {
    this.assertLive('change auto-renew');
    if (enabled) {
      if (!this.props.billingKey) throw new NoBillingKeyError();
      this.attachBillingKey(this.props.billingKey, now);
      return;
    }
    if (!this.props.autoRenew) return;
    // The card stays stored until the membership ends, so turning auto-renew on again needs no new card.
    this.props.autoRenew = false;
    // Past due with no charge to retry: the period is over, so the next run ends it.
    this.props.nextChargeAt = null;
    this.touch(now);
  }

  /** The member removes the stored card: no more renewals, and the card is deleted at the gateway (the CardRemoved event). */
  removeCard(now: Date): void {
    this.assertLive('remove the card');
    if (!this.props.billingKey) throw new NoBillingKeyError();
    this.props.autoRenew = false;
    this.props.nextChargeAt = null;
    this.touch(now);
    this.record<BillingKeyReleasedPayload>(MembershipEvents.CardRemoved, now, this.released('card_removed'));
    this.props.billingKey = null;
  }

  private addPaidPeriod(plan: Plan, calendar: BusinessCalendar): void {
    const added = this.periodAfterPurchaseOf(plan, calendar);
    this.props.monthsPaid += planMonths(plan);
    this.props.periodNo += 1;
    this.props.periodEnd = added.end;
    this.props.status = 'active';
    this.props.renewalAttempts = 0;
  }

  private scheduleNextCharge(): void {
    this.props.nextChargeAt = this.props.autoRenew ? this.props.periodEnd : null;
  }

  private end(status: 'cancelled' | 'expired', reason: string, now: Date): void {
    this.props.status = status;
    this.props.autoRenew = false;
    this.props.nextChargeAt = null;
    this.props.cancelledAt = status === 'cancelled' ? now : this.props.cancelledAt;
    this.props.endedAt = now;
    this.touch(now);
    const type = status === 'cancelled' ? MembershipEvents.Cancelled : MembershipEvents.Expired;
    this.record<BillingKeyReleasedPayload>(type, now, this.released(reason));
    this.props.billingKey = null;
  }

  private assertLive(action: string): void {
    if (!this.isLive) throw new InvalidTransitionError('membership', this.props.status, action);
  }

  private changed(paymentId: string, paidFrom: Date = this.props.periodStart): MembershipChangedPayload {
    return {
      membershipId: this.id, userId: this.userId, planId: this.planId, periodNo: this.props.periodNo,
      periodStart: this.props.periodStart.toISOString(), periodEnd: this.props.periodEnd.toISOString(), paymentId,
      paidFrom: paidFrom.toISOString(),
    };
  }

  /** An ended membership, or a removed card: the key the gateway should forget. */
  private released(reason: string): BillingKeyReleasedPayload {
    return { membershipId: this.id, userId: this.userId, billingKey: this.props.billingKey, reason };
  }

  /** Called by the repository once a save succeeded, so a second save in the same unit of work is not stale. */
  markSaved(): void {
    this.props.version += 1;
  }

  private touch(now: Date): void {
    this.props.updatedAt = now;
  }
}
