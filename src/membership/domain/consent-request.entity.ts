import { AggregateRoot } from '../../shared/domain/aggregate-root';
import type { NextCharge } from './membership.entity';
import { ConsentClosedError } from './membership.errors';

/** `moot`: closed unanswered because it no longer asks about the charge the membership makes next (see `mootReason`). */
export type ConsentStatus = 'pending' | 'accepted' | 'declined' | 'expired' | 'moot';
/**
 * Why a request was closed as moot: its period, date or plan is no longer the next charge (a purchase paid
 * for it, or changed the plan); the member already paid or consented to as much; the price due is no
 * longer the one asked about (the rise withdrawn or replaced).
 */
export type MootReason = 'not_next_charge' | 'within_consent' | 'price_changed';
/** How the answer came: the member's page (the only channel so far). */
export type ConsentMethod = 'web';

/**
 * The wording the member is shown and answers (e-mail, SMS, the page). Raise it whenever that text
 * changes: each answer records the version it answered.
 */
export const CONSENT_WORDING_VERSION = '2026-12-22.1';

export interface ConsentRequestProps {
  id: string;
  membershipId: string;
  userId: string;
  planId: string;
  /** The period the higher charge would pay for. */
  periodNo: number;
  /** What the member last paid or consented to, and the price asked for. Integer KRW. */
  oldAmount: number;
  newAmount: number;
  /** When the higher charge would be made (the period's start). */
  changeAt: Date;
  /** Answers are taken until then (the day before the change); after it the request expires. */
  answerBy: Date;
  openedAt: Date;
  status: ConsentStatus;
  answeredAt: Date | null;
  method: ConsentMethod | null;
  wordingVersion: string | null;
  /** Set when closed as moot; null otherwise. */
  mootReason: MootReason | null;
  version: number;
}

/** What asking again for a moot request's charge states: the ceiling, date and deadline as they are now. */
export interface AskAgain {
  oldAmount: number;
  changeAt: Date;
  answerBy: Date;
  openedAt: Date;
}

/**
 * A separate, explicit request to charge more than the last amount (전자상거래법 art. 13(6)): one per
 * (membership, period, new amount). Only an explicit "accept" before `answerBy` allows the charge;
 * a decline, or silence until then, ends auto-renew at the period end.
 */
export class ConsentRequest extends AggregateRoot {
  private constructor(private props: ConsentRequestProps) {
    super();
  }

  static open(input: Omit<ConsentRequestProps, 'status' | 'answeredAt' | 'method' | 'wordingVersion' | 'mootReason' | 'version'>): ConsentRequest {
    return new ConsentRequest({ ...input, status: 'pending', answeredAt: null, method: null, wordingVersion: null, mootReason: null, version: 0 });
  }

  static restore(props: ConsentRequestProps): ConsentRequest {
    return new ConsentRequest({ ...props });
  }

  get id(): string { return this.props.id; }
  get membershipId(): string { return this.props.membershipId; }
  get userId(): string { return this.props.userId; }
  get status(): ConsentStatus { return this.props.status; }
  get newAmount(): number { return this.props.newAmount; }
  get oldAmount(): number { return this.props.oldAmount; }
  get changeAt(): Date { return this.props.changeAt; }
  get answerBy(): Date { return this.props.answerBy; }
  get periodNo(): number { return this.props.periodNo; }
  get version(): number { return this.props.version; }

  isOpen(now: Date): boolean {
    return this.props.status === 'pending' && now < this.props.answerBy;
  }

  /** Records the member's answer with when, how and which wording; only while open. */
  answer(accept: boolean, method: ConsentMethod, wordingVersion: string, now: Date): void {
    if (!this.isOpen(now)) {
      // A moot request reads `expired` to the member (the contract's statuses): the refusal says so too.
      const { status } = this.props;
      throw new ConsentClosedError(this.id, status === 'pending' ? 'past its deadline' : status === 'moot' ? 'expired' : status);
    }
    this.props.status = accept ? 'accepted' : 'declined';
    this.props.answeredAt = now;
    this.props.method = method;
    this.props.wordingVersion = wordingVersion;
  }

  /** No answer by the deadline: counts as no consent. */
  expire(now: Date): void {
    if (this.props.status !== 'pending' || now < this.props.answerBy) return;
    this.props.status = 'expired';
    this.props.answeredAt = null;
  }

  /**
   * Why this request no longer asks about `next`, the charge its membership makes next, or null while it
   * does. A moot request is neither a consent nor a refusal: whatever it said, it is not about the charge
   * that will be made (which the ceiling alone governs, and a request of its own if it needs one).
   */
  mootReason(next: NextCharge): MootReason | null {
    const r = this.props;
    if (r.periodNo !== next.periodNo || r.changeAt.getTime() !== next.at.getTime() || r.planId !== next.planId) return 'not_next_charge';
    if (r.newAmount <= next.ceiling) return 'within_consent';
    if (r.newAmount !== next.amount) return 'price_changed';
    return null;
  }

  /** Closed unanswered as moot, with the reason: only a pending request (an answer or an expiry stands). */
  closeAsMoot(reason: MootReason): void {
    if (this.props.status !== 'pending') return;
    this.props.status = 'moot';
    this.props.mootReason = reason;
  }

  /**
   * The charge a moot request asked about is due again (a purchase refunded, the rise back): the same
   * request, pending again with what holds now. Any other status is left as it is.
   */
  reopen(again: AskAgain): void {
    if (this.props.status !== 'moot') return;
    Object.assign(this.props, again, { status: 'pending', mootReason: null, answeredAt: null, method: null, wordingVersion: null });
  }

  toProps(): ConsentRequestProps {
    return { ...this.props };
  }

  markSaved(): void {
    this.props.version += 1;
  }
}
