import { AggregateRoot } from '../../shared/domain/aggregate-root';
import { DomainError, InvalidTransitionError } from '../../shared/domain/domain-error';
import { type CardApproval, type GatewayPayment, wasCharged } from './gateway-payment';
import {
  PaymentEvents, type PaymentCancelledPayload, type PaymentCardLeftUnusedPayload, type PaymentPreparedPayload, type PaymentFailedPayload, type PaymentPaidPayload,
  type PaymentRefundRejectedPayload,
} from './payment.events';
import { AmountMismatchError, InvalidAmountError, NothingToRefundError, RefundInProgressError } from './payment.errors';

export type PaymentStatus = 'await' | 'paid' | 'failed' | 'cancelled';

/** The PG a payment went through (PAYMENT_GATEWAY when it was made): a name in the registry of PGs, which the core does not enumerate. */
export type GatewayName = string;

export type FailureCode =
  | 'window_closed'
  | 'user_cancelled'
  | 'card_declined'
  | 'amount_mismatch'
  | 'prepare_rejected'
  | 'expired'
  | 'gateway_failed'
  | 'account_deleted'
  | 'membership_ended'
  | 'period_already_paid';

/**
 * Why a renewal's charge buys nothing when it lands: its membership is no longer live (ended, cancelled,
 * its account deleted), or the period it pays for was bought meanwhile (a purchase extended the membership).
 */
export type UnboughtRenewal = 'membership_ended' | 'period_already_paid';

/** The failure codes of an order closed for good: a charge for it buys nothing and is returned whole. */
const CLOSED_ORDER_CODES: ReadonlySet<FailureCode> = new Set<FailureCode>(['account_deleted', 'membership_ended', 'period_already_paid']);

export interface PaymentPurpose {
  kind: 'purchase' | 'renewal';
  planId: string;
  membershipId?: string;
  periodNo?: number;
}

export type Requester = 'user' | 'admin' | 'system';

export type RefundStatus = 'pending' | 'refunded' | 'rejected';

/** A refund asked of the gateway: pending until the gateway's answer (or the reconciler) settles it. */
export interface Cancellation {
  id: string;
  /**
   * refund: money back to the buyer of a paid order; mismatch_return: a charge the order cannot accept,
   * returned whole (its reason says why: `amount_mismatch`, a wrong amount; `account_deleted`, a charge after the account was deleted;
   * `membership_ended` / `period_already_paid`, a renewal charge that landed once its membership had ended or its period was bought).
   */
  kind: 'refund' | 'mismatch_return';
  /** The gateway payment it cancels (a mismatched charge is not the order's paid one). */
  gatewayPaymentId: string;
  amount: number;
  /** The cancellable balance we believed the gateway held when asking: it refuses the cancel on a mismatch, so a resend can never refund twice. */
  checksum: number;
  reason: string;
  requestedBy: Requester;
  requestedAt: Date;
  status: RefundStatus;
  settledAt: Date | null;
  gatewayMessage: string | null;
  /** When the gateway first failed to answer about it (timeout, 5xx): whoever asked was told "pending", not a yes or no. */
  unansweredAt: Date | null;
}

export interface PaymentProps {
  id: string;
  merchantUid: string;
  userId: string;
  purpose: PaymentPurpose;
  amount: number;
  payMethod: string;
  /** The gateway that charged it (rows written before it was recorded were filled by the migrations). */
  gateway: GatewayName;
  /** The PG channel that charged it: IMP_PG (`html5_inicis`...) for Iamport, `tosspayments` for Toss. */
  pg: string;
  status: PaymentStatus;
  /** The gateway's id of the payment, only ever from the gateway's own answer. */
  gatewayPaymentId: string | null;
  /** A gateway payment id a client reported while the gateway could not confirm it: a reason to ask again, never trusted. */
  reportedGatewayPaymentId: string | null;
  /**
   * When the reconciler should next ask the gateway about this payment: set while it is not paid
   * but could still turn out paid (a failed order, a reported gateway payment id), cleared once it is paid.
   */
  recheckAt: Date | null;
  customerUid: string | null;
  /** The card company's approval and the masked card, as the gateway stated them when it was paid (for the receipt); absent when it did not. */
  card?: CardApproval;
  failure: { code: FailureCode; message: string } | null;
  preparedAt: Date | null;
  paidAt: Date | null;
  cancelledAmount: number;
  cancellations: Cancellation[];
  /**
   * Set once the paid payment has been dealt with: applied to a membership (the activation handler's
   * idempotency key), or refunded instead because its account was deleted first (closeForDeletedAccount).
   */
  fulfilledAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewPayment = Pick<PaymentProps, 'id' | 'merchantUid' | 'userId' | 'purpose' | 'amount' | 'payMethod' | 'pg'> & {
  gateway: GatewayName;
  customerUid?: string | null;
  now: Date;
};

const ACCOUNT_DELETED_MESSAGE = 'the account was deleted before this order was paid: a charge for it is returned whole';
const UNBOUGHT_RENEWAL_MESSAGES: Record<UnboughtRenewal, string> = {
  membership_ended: 'the membership had ended when this renewal charge landed: it buys nothing and is returned whole',
  period_already_paid: 'the period this renewal charge pays for was already bought: it buys nothing and is returned whole',
};

/** What the gateway's answer did to the payment. */
export type GatewayVerdict = 'paid' | 'failed' | 'pending';

/** Maps a gateway's failure text to our failure code. */
export function classifyGatewayFailure(reason: string | null): FailureCode {
  const text = (reason ?? '').toLowerCase();
  if (text.includes('취소') || text.includes('cancel')) return 'user_cancelled';
  if (/거절|한도|잔액|declin|limit|insufficient|balance/.test(text)) return 'card_declined';
  return 'gateway_failed';
}

export class Payment extends AggregateRoot {
  /** `unsaved`: a change not yet written. Every change goes through touch(), which sets it; markSaved() clears it. */
  private constructor(private props: PaymentProps, private unsaved: boolean) {
    super();
  }

  static create(input: NewPayment): Payment {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
      throw new InvalidAmountError(`amount must be a positive whole number of KRW, got ${input.amount}`);
    }
    return new Payment({
      id: input.id,
      merchantUid: input.merchantUid,
      userId: input.userId,
      purpose: input.purpose,
      amount: input.amount,
      payMethod: input.payMethod,
      gateway: input.gateway,
      pg: input.pg,
      status: 'await',
      gatewayPaymentId: null,
      reportedGatewayPaymentId: null,
      recheckAt: null,
      customerUid: input.customerUid ?? null,
      failure: null,
      preparedAt: null,
      paidAt: null,
      cancelledAmount: 0,
      cancellations: [],
      fulfilledAt: null,
      version: 0,
      createdAt: input.now,
      updatedAt: input.now,
    }, true);
  }

  static restore(props: PaymentProps): Payment {
    return new Payment({ ...props, cancellations: props.cancellations.map((c) => ({ ...c })) }, false);
  }

  /** Whether something changed since the payment was created, read or last saved: a save has something to write. */
  get hasUnsavedChanges(): boolean {
    return this.unsaved;
  }

  get id(): string { return this.props.id; }
  get version(): number { return this.props.version; }
  get merchantUid(): string { return this.props.merchantUid; }
  get userId(): string { return this.props.userId; }
  get status(): PaymentStatus { return this.props.status; }
  get amount(): number { return this.props.amount; }
  get gatewayPaymentId(): string | null { return this.props.gatewayPaymentId; }
  get reportedGatewayPaymentId(): string | null { return this.props.reportedGatewayPaymentId; }
  get recheckAt(): Date | null { return this.props.recheckAt; }
  get purpose(): PaymentPurpose { return this.props.purpose; }
  get gateway(): GatewayName { return this.props.gateway; }
  get pg(): string { return this.props.pg; }
  get customerUid(): string | null { return this.props.customerUid; }
  get card(): CardApproval | null { return this.props.card ?? null; }
  get failure(): PaymentProps['failure'] { return this.props.failure; }
  get paidAt(): Date | null { return this.props.paidAt; }
  get cancelledAmount(): number { return this.props.cancelledAmount; }
  get isFulfilled(): boolean { return this.props.fulfilledAt !== null; }
  /** Closed for good (account_deleted, membership_ended, period_already_paid): it buys nothing, and a charge for it is returned whole. */
  get isClosed(): boolean { return this.props.status === 'failed' && this.props.failure !== null && CLOSED_ORDER_CODES.has(this.props.failure.code); }

  /** Refunded in full by the member's own cancel with refund (see cancelledByMember). */
  get refundedInFullByMember(): boolean {
    return this.props.status === 'cancelled' && this.cancelledByMember;
  }

  /**
   * The money cancelled so far is the member's own cancel: every cancelled won is one of our refunds and
   * the last of them was theirs. An operator's refund, or money cancelled at the gateway's console, is not.
   * The one rule for refundedInFullByMember and PaymentCancelled's `byMember`: the purchases a member's
   * cancel refunds (refundablePurchases) are the ones the full-refund handler leaves alone, so both must agree.
   */
  private get cancelledByMember(): boolean {
    const refunded = this.props.cancellations.filter((c) => c.kind === 'refund' && c.status === 'refunded');
    const accounted = refunded.reduce((sum, c) => sum + c.amount, 0);
    return accounted >= this.props.cancelledAmount && refunded.at(-1)?.requestedBy === 'user';
  }
  get createdAt(): Date { return this.props.createdAt; }

  /** What can still be refunded, less refunds already asked for and not yet settled. */
  get refundable(): number {
    return this.props.amount - this.props.cancelledAmount - this.pendingRefundAmount;
  }

  get pendingRefundAmount(): number {
    return this.props.cancellations.filter((c) => c.status === 'pending').reduce((sum, c) => sum + c.amount, 0);
  }

  /** Every refund asked of the gateway for this payment, oldest first. */
  get cancellations(): Cancellation[] {
    return this.props.cancellations.map((c) => ({ ...c }));
  }

  get pendingCancellations(): Cancellation[] {
    return this.props.cancellations.filter((c) => c.status === 'pending');
  }

  toProps(): PaymentProps {
    return { ...this.props, ...(this.props.card ? { card: { ...this.props.card } } : {}), cancellations: this.props.cancellations.map((c) => ({ ...c })) };
  }

  markPrepared(now: Date): void {
    if (this.props.preparedAt) return;
    this.props.preparedAt = now;
    this.touch(now);
    this.record<PaymentPreparedPayload>(PaymentEvents.Prepared, now, { paymentId: this.id, merchantUid: this.merchantUid, amount: this.amount });
  }

  /** Remembers the gateway's id a client reported, so the reconciler asks about it even while the gateway is silent. */
  noteReportedGatewayPaymentId(gatewayPaymentId: string, now: Date): void {
    if (this.props.status === 'paid' || this.props.status === 'cancelled') return;
    if (this.props.reportedGatewayPaymentId === gatewayPaymentId && this.props.recheckAt !== null) return;
    this.props.reportedGatewayPaymentId = gatewayPaymentId;
    this.props.recheckAt = now;
    this.touch(now);
  }

  /** The reconciler asked and the gateway held nothing charged: ask again at `at`, or never (null). */
  recheckLater(at: Date | null, now: Date): void {
    if (this.props.status === 'paid' || this.props.status === 'cancelled') at = null;
    if (this.props.recheckAt?.getTime() === at?.getTime()) return;
    this.props.recheckAt = at;
    this.touch(now);
  }

  /**
   * Applies the gateway's own account. Another order's payment is refused; a charge of another
   * amount is a fraud signal: the payment fails with amount_mismatch and the money is owed back.
   * A charge for a closed order (its account deleted, or a renewal that could buy nothing: isClosed)
   * buys nothing: it is owed back whole and the order stays failed. Replaying an answer already
   * applied changes nothing.
   */
  applyGatewayTruth(gp: GatewayPayment, now: Date, refundId: string): GatewayVerdict {
    if (gp.merchantUid !== this.props.merchantUid) {
      throw new DomainError('rule_violation', 'payment_not_paid', `gateway payment ${gp.gatewayPaymentId} belongs to another order`);
    }
    if (wasCharged(gp)) {
      const closed = this.isClosed;
      if (closed || gp.amount !== this.props.amount) {
        if (closed) this.returnChargeOfClosedOrder(gp, now, refundId);
        else this.failWithMismatch(gp, now, refundId);
        // A return the gateway already made (its answer lost) is done, not sent again.
        this.settleRefunds(gp, now);
        return this.verdict(); // a payment a right charge already paid stays paid
      }
      this.markPaid(gp, now);
      this.syncCancellations(gp, now);
      return 'paid';
    }
    if (gp.status === 'failed') {
      if (this.props.status === 'await') this.fail(classifyGatewayFailure(gp.failReason), gp.failReason ?? 'the gateway reports a failure', now, gp.gatewayPaymentId);
      return this.verdict();
    }
    return this.verdict();
  }

  /** A failure we know without the gateway's word (window closed, prepare refused, expiry). Never undoes a payment. */
  fail(code: FailureCode, message: string, now: Date, gatewayPaymentId: string | null = null): void {
    if (this.props.status === 'failed') return;
    if (this.props.status !== 'await') throw new InvalidTransitionError('payment', this.props.status, 'fail');
    this.props.status = 'failed';
    this.props.failure = { code, message };
    if (gatewayPaymentId && !this.props.gatewayPaymentId) this.props.gatewayPaymentId = gatewayPaymentId;
    // A failed order may still be paid: a window completing late, or another attempt on the same merchant_uid
    // (Iamport lets failed attempts share it). The reconciler asks the gateway for a while. A refused prepare
    // never opened a window.
    if (code !== 'prepare_rejected') this.props.recheckAt = now;
    this.touch(now);
    this.record<PaymentFailedPayload>(PaymentEvents.Failed, now, {
      paymentId: this.id, merchantUid: this.merchantUid, userId: this.userId, purpose: this.purpose, code, message,
    });
  }

  /**
   * Its buyer's account is being deleted: the order can buy nothing any more. One still open (`await`,
   * or `failed` and perhaps completed late) fails as account_deleted, so a charge that reaches the
   * gateway for it later is returned whole (applyGatewayTruth) instead of making it paid. One paid but
   * not yet applied to a membership is marked dealt with and refunded in full, and a card it stored
   * is to be forgotten at the gateway (PaymentCardLeftUnused). A payment already applied, cancelled or
   * closed is left as it is.
   */
  closeForDeletedAccount(now: Date, refundId: string): void {
    const { status, failure } = this.props;
    if (status === 'await') {
      this.fail('account_deleted', ACCOUNT_DELETED_MESSAGE, now);
    } else if (status === 'failed' && !this.isClosed) {
      // Its earlier failure stays readable in the message; the reconciler's rechecks go on as they were.
      this.props.failure = { code: 'account_deleted', message: `${ACCOUNT_DELETED_MESSAGE} (it had failed: ${failure?.code ?? 'unknown'})` };
      this.touch(now);
    } else if (status === 'paid' && !this.isFulfilled) {
      // A refund still in flight is answered first (refund_in_progress): the rest goes back after it, never beside it.
      this.requestRefund({ id: refundId, reason: 'account_deleted', requestedBy: 'system', now });
      this.markFulfilled(now);
      if (this.props.customerUid !== null) this.leaveCardUnused(this.props.customerUid, 'account_deleted', now);
    }
  }

  /**
   * A renewal charge the gateway took, not yet applied, that its membership can no longer take (`code`
   * says why): it buys nothing. The order is closed as an order closed before its charge landed is
   * (closeForDeletedAccount): `failed` with that code, never paid in our books (no paid_at) and never
   * applied, and what the gateway still holds of the charge is owed back whole as a pending
   * mismatch_return that the settlement (or the reconciler) sends. Every later answer about the charge
   * changes nothing more (applyGatewayTruth on a closed order); closing it again is a no-op.
   */
  returnUnboughtCharge(code: UnboughtRenewal, now: Date, refundId: string): void {
    const { status, gatewayPaymentId } = this.props;
    if (this.isClosed) return;
    if ((status !== 'paid' && status !== 'cancelled') || this.isFulfilled || gatewayPaymentId === null) {
      throw new InvalidTransitionError('payment', status, 'return an unbought charge');
    }
    const message = UNBOUGHT_RENEWAL_MESSAGES[code];
    this.props.status = 'failed';
    this.props.failure = { code, message };
    this.props.paidAt = null;
    this.props.recheckAt = null;
    this.oweChargeBack(gatewayPaymentId, this.props.amount - this.props.cancelledAmount, code, now, refundId);
    this.record<PaymentFailedPayload>(PaymentEvents.Failed, now, {
      paymentId: this.id, merchantUid: this.merchantUid, userId: this.userId, purpose: this.purpose, code, message,
    });
  }

  /** Records that the paid payment has been applied to a membership; false when it already was. */
  markFulfilled(now: Date): boolean {
    if (this.props.status !== 'paid' && this.props.status !== 'cancelled') throw new InvalidTransitionError('payment', this.props.status, 'be fulfilled');
    if (this.props.fulfilledAt) return false;
    this.props.fulfilledAt = now;
    this.touch(now);
    return true;
  }

  /**
   * Asks for a refund of `amount` (default: all that remains). One refund is in flight at a time, so a
   * lost answer can never lead to a second. Returns the cancellation to send to the gateway.
   */
  requestRefund(input: { id: string; amount?: number; reason: string; requestedBy: Requester; now: Date }): Cancellation {
    if (this.pendingCancellations.length > 0) throw new RefundInProgressError(this.merchantUid);
    if (this.props.status !== 'paid' || this.refundable <= 0) throw new NothingToRefundError(this.merchantUid);
    const amount = input.amount ?? this.refundable;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new InvalidAmountError(`refund must be a positive whole number of KRW, got ${amount}`);
    if (amount > this.refundable) throw new InvalidAmountError(`refund of ${amount} KRW exceeds the ${this.refundable} KRW still refundable`);
    const checksum = this.props.amount - this.props.cancelledAmount;
    const cancellation: Cancellation = {
      id: input.id, kind: 'refund', gatewayPaymentId: this.props.gatewayPaymentId as string, amount, checksum, reason: input.reason, requestedBy: input.requestedBy, requestedAt: input.now,
      status: 'pending', settledAt: null, gatewayMessage: null, unansweredAt: null,
    };
    this.props.cancellations.push(cancellation);
    this.touch(input.now);
    return { ...cancellation };
  }

  /** The gateway's account after a cancel or a lookup settles pending refunds by what it actually holds. */
  settleRefunds(gp: GatewayPayment, now: Date): void {
    if (gp.merchantUid !== this.props.merchantUid) return;
    for (const c of this.props.cancellations) {
      if (c.status === 'pending' && c.kind === 'mismatch_return' && c.gatewayPaymentId === gp.gatewayPaymentId && gp.cancelledAmount >= gp.amount) {
        c.status = 'refunded';
        c.settledAt = now;
        // The order was never paid; what it records as cancelled is the wrong charge handed back.
        if (this.props.status === 'failed') this.props.cancelledAmount = gp.cancelledAmount;
        this.touch(now);
      }
    }
    if (gp.gatewayPaymentId === this.props.gatewayPaymentId && (this.props.status === 'paid' || this.props.status === 'cancelled')) this.syncCancellations(gp, now);
  }

  /** The gateway's answer about these pending refunds was lost (timeout, 5xx): they stay pending, and whoever asked hears "pending". */
  noteRefundsUnanswered(refundIds: string[], now: Date): void {
    for (const c of this.props.cancellations) {
      if (c.status !== 'pending' || c.unansweredAt !== null || !refundIds.includes(c.id)) continue;
      c.unansweredAt = now;
      this.touch(now);
    }
  }

  /** The gateway said a definite no to the refunds still pending, and its balance shows none of them happened. */
  rejectPendingRefunds(message: string, now: Date): void {
    for (const c of this.props.cancellations) {
      if (c.status !== 'pending') continue;
      c.status = 'rejected';
      c.settledAt = now;
      c.gatewayMessage = message;
      this.touch(now);
      this.record<PaymentRefundRejectedPayload>(PaymentEvents.RefundRejected, now, {
        paymentId: this.id, merchantUid: this.merchantUid, userId: this.userId, refundId: c.id, amount: c.amount,
        requestedBy: c.requestedBy, message, answeredLate: c.unansweredAt !== null,
      });
    }
  }

  private verdict(): GatewayVerdict {
    if (this.props.status === 'await') return 'pending';
    return this.props.status === 'failed' ? 'failed' : 'paid';
  }

  private markPaid(gp: GatewayPayment, now: Date): void {
    if (this.props.status === 'paid' || this.props.status === 'cancelled') return;
    this.props.status = 'paid';
    this.props.gatewayPaymentId = gp.gatewayPaymentId;
    // A wrong-amount charge handed back earlier was another gateway payment; this one starts with nothing cancelled.
    this.props.cancelledAmount = 0;
    this.props.paidAt = gp.paidAt ?? now;
    this.props.failure = null;
    this.props.recheckAt = null;
    if (gp.card) this.props.card = { ...gp.card };
    // The gateway knows the stored card (Toss issues its billing key only after the window). The card is
    // this order's only when it was stored under the customer key its checkout issued: the browser
    // chooses the key in the PG window, and another buyer's would give this membership their card.
    if (gp.customerUid && this.props.customerUid !== null && gp.customerKey === this.props.customerUid) this.props.customerUid = gp.customerUid;
    this.touch(now);
    this.record<PaymentPaidPayload>(PaymentEvents.Paid, now, {
      paymentId: this.id, merchantUid: this.merchantUid, userId: this.userId, amount: this.amount,
      purpose: this.purpose, customerUid: this.props.customerUid, paidAt: this.props.paidAt.toISOString(),
    });
  }

  /**
   * The gateway took another amount than the order's: a fraud signal. The payment fails and the
   * whole charge is owed back, recorded as a pending refund the use case (or the reconciler) sends.
   */
  private failWithMismatch(gp: GatewayPayment, now: Date, refundId: string): void {
    if (this.props.status === 'paid' || this.props.status === 'cancelled') return; // settled by a correct charge already
    if (this.props.failure?.code === 'amount_mismatch') return;
    const mismatch = new AmountMismatchError(this.props.amount, gp.amount);
    this.props.status = 'failed';
    this.props.failure = { code: 'amount_mismatch', message: mismatch.message };
    this.oweChargeBack(gp.gatewayPaymentId, gp.amount - gp.cancelledAmount, 'amount_mismatch', now, refundId);
    this.record<PaymentFailedPayload>(PaymentEvents.Failed, now, {
      paymentId: this.id, merchantUid: this.merchantUid, userId: this.userId, purpose: this.purpose,
      code: 'amount_mismatch', message: mismatch.message,
    });
  }

  /**
   * A charge that reached the gateway for a closed order: owed back whole with the order's failure code
   * as its reason, once per gateway payment. A card that charge stored for an order of a deleted account
   * (under the customer key its checkout issued, as markPaid adopts one) is to be forgotten at the gateway
   * too: no membership will renew on it. A renewal's card is its membership's, released when that ends.
   */
  private returnChargeOfClosedOrder(gp: GatewayPayment, now: Date, refundId: string): void {
    const owedAlready = this.props.cancellations.some((c) => c.kind === 'mismatch_return' && c.gatewayPaymentId === gp.gatewayPaymentId);
    const heldAtGateway = gp.amount - gp.cancelledAmount;
    if (owedAlready || heldAtGateway <= 0) return;
    const code = (this.props.failure as { code: FailureCode }).code;
    this.oweChargeBack(gp.gatewayPaymentId, heldAtGateway, code, now, refundId);
    const storedItsCard = gp.customerUid !== null && this.props.customerUid !== null && gp.customerKey === this.props.customerUid;
    if (code === 'account_deleted' && storedItsCard) this.leaveCardUnused(gp.customerUid as string, code, now);
  }

  /** The card this order stored at the gateway will renew nothing: the gateway should forget it (ReleaseBillingKey). */
  private leaveCardUnused(billingKey: string, reason: FailureCode, now: Date): void {
    this.record<PaymentCardLeftUnusedPayload>(PaymentEvents.CardLeftUnused, now, {
      paymentId: this.id, merchantUid: this.merchantUid, userId: this.userId, billingKey, reason,
    });
  }

  /**
   * A charge this order cannot accept: what the gateway still holds of it (`owed`) is owed back, recorded
   * as a pending return the use case (or the reconciler) sends. The order points at that charge.
   */
  private oweChargeBack(gatewayPaymentId: string, owed: number, reason: FailureCode, now: Date, refundId: string): void {
    this.props.gatewayPaymentId = gatewayPaymentId;
    if (owed > 0) {
      this.props.cancellations.push({
        id: refundId, kind: 'mismatch_return', gatewayPaymentId, amount: owed, checksum: owed, reason, requestedBy: 'system', requestedAt: now,
        status: 'pending', settledAt: null, gatewayMessage: null, unansweredAt: null,
      });
    }
    this.touch(now);
  }

  /** Brings cancelledAmount up to the gateway's cumulative figure and settles our pending refunds in order. */
  private syncCancellations(gp: GatewayPayment, now: Date): void {
    const gatewayCancelled = Math.min(gp.cancelledAmount, this.props.amount);
    if (gatewayCancelled <= this.props.cancelledAmount) return;
    let newlyCancelled = gatewayCancelled - this.props.cancelledAmount;
    for (const c of this.props.cancellations) {
      if (c.status === 'pending' && c.kind === 'refund' && c.amount <= newlyCancelled) {
        c.status = 'refunded';
        c.settledAt = now;
        newlyCancelled -= c.amount;
      }
    }
    const before = this.props.cancelledAmount;
    this.props.cancelledAmount = gatewayCancelled;
    if (this.props.status === 'paid' && gatewayCancelled >= this.props.amount) this.props.status = 'cancelled';
    this.touch(now);
    this.record<PaymentCancelledPayload>(PaymentEvents.Cancelled, now, {
      paymentId: this.id, merchantUid: this.merchantUid, userId: this.userId, amount: gatewayCancelled - before,
      cancelledAmount: gatewayCancelled, fullyCancelled: gatewayCancelled >= this.props.amount,
      reason: gp.cancellations.at(-1)?.reason ?? 'refund', byMember: this.cancelledByMember,
    });
  }

  /** Called by the repository once a save succeeded, so a second save in the same unit of work is not stale. */
  markSaved(): void {
    this.props.version += 1;
    this.unsaved = false;
  }

  private touch(now: Date): void {
    this.props.updatedAt = now;
    this.unsaved = true;
  }
}
