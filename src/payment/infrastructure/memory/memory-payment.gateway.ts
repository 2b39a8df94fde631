import type { CardApproval, GatewayPayment } from '../../domain/gateway-payment';
import {
  type BillingCharge, type BrowserResult, type CancelRequest, GatewayRejectedError, GatewayUnavailableError,
  type PaymentGateway, type PrepareRequest, type StoredCard,
} from '../../application/payment-gateway.port';

/** unknown: times out before acting; lost: acts, then the answer is lost; rejected: a definite no. */
export type ScriptedOutcome = 'unknown' | 'lost' | 'rejected';
type Operation = 'prepare' | 'settle' | 'getPayment' | 'findByMerchantUid' | 'cancel' | 'chargeBillingKey' | 'deleteBillingKey' | 'ping';

export type BuyerAction = 'paid' | 'declined' | 'user_cancelled';

/**
 * A real in-memory gateway with Iamport's rules (prepare locks the amount, a paid merchant_uid
 * cannot be paid again, cancels check the checksum and never exceed the balance, billing keys),
 * plus a script of outcomes for tests: the next calls of an operation can be made to answer
 * "unknown" (timeout) or "rejected", and a buyer's payment can be made with another amount.
 */
export class MemoryPaymentGateway implements PaymentGateway {
  private readonly payments = new Map<string, GatewayPayment>();
  private readonly prepared = new Map<string, number>();
  private readonly billingKeys = new Map<string, { declines: boolean }>();
  private readonly script: Array<{ operation: Operation | '*'; outcome: ScriptedOutcome; message: string }> = [];
  private sequence = 0;
  readonly calls: Array<{ operation: Operation; args: unknown }> = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The next call of `operation` (or of any, with '*') answers with `outcome`. Queued in order. */
  scriptNext(operation: Operation | '*', outcome: ScriptedOutcome, message = 'scripted'): void {
    this.script.push({ operation, outcome, message });
  }

  /** What the PG window does when the buyer pays: records a gateway payment and answers its imp_uid. */
  buyerPays(input: { merchantUid: string; amount: number; action?: BuyerAction; customerUid?: string | null }): string {
    const action = input.action ?? 'paid';
    const lockedAmount = this.prepared.get(input.merchantUid);
    if (lockedAmount !== undefined && lockedAmount !== input.amount) throw new GatewayRejectedError('the amount differs from the prepared amount');
    if ([...this.payments.values()].some((p) => p.merchantUid === input.merchantUid && p.status === 'paid')) {
      throw new GatewayRejectedError('this merchant_uid is already paid');
    }
    const gatewayPaymentId = `imp_mem_${String(++this.sequence).padStart(8, '0')}`;
    const paid = action === 'paid';
    this.payments.set(gatewayPaymentId, {
      gatewayPaymentId, merchantUid: input.merchantUid, amount: input.amount, status: paid ? 'paid' : 'failed',
      cancelledAmount: 0, cancellations: [], paidAt: paid ? this.now() : null, customerUid: input.customerUid ?? null, customerKey: input.customerUid ?? null,
      failReason: paid ? null : action === 'declined' ? '카드사 거절: 한도초과' : '사용자가 결제를 취소하였습니다',
      ...(paid ? { card: this.cardApproval() } : {}),
    });
    if (paid && input.customerUid) this.billingKeys.set(input.customerUid, { declines: false });
    return gatewayPaymentId;
  }

  /** Makes a stored card decline (or accept again) on its next charges. */
  setCardDeclines(customerUid: string, declines: boolean): void {
    const key = this.billingKeys.get(customerUid);
    if (key) key.declines = declines;
  }

  hasBillingKey(customerUid: string): boolean {
    return this.billingKeys.has(customerUid);
  }

  /** The gateway's own record, for assertions. */
  peek(gatewayPaymentId: string): GatewayPayment | null {
    return this.copy(this.payments.get(gatewayPaymentId) ?? null);
  }

  allPayments(): GatewayPayment[] {
    return [...this.payments.values()].map((p) => this.copy(p) as GatewayPayment);
  }

  async prepare(request: PrepareRequest): Promise<void> {
    const lost = this.enter('prepare', request);
    if (this.prepared.has(request.merchantUid)) throw new GatewayRejectedError(`merchant_uid ${request.merchantUid} is already prepared`, 1);
    this.prepared.set(request.merchantUid, request.amount);
    this.answer(undefined, lost);
  }

  async settle(result: BrowserResult): Promise<GatewayPayment | null> {
    const lost = this.enter('settle', result);
    return this.answer(this.copy(this.payments.get(result.transactionId) ?? null), lost);
  }

  async getPayment(transactionId: string): Promise<GatewayPayment | null> {
    const lost = this.enter('getPayment', transactionId);
    return this.answer(this.copy(this.payments.get(transactionId) ?? null), lost);
  }

  async findByMerchantUid(merchantUid: string): Promise<GatewayPayment | null> {
    const lost = this.enter('findByMerchantUid', merchantUid);
    const attempts = [...this.payments.values()].filter((p) => p.merchantUid === merchantUid);
    return this.answer(this.copy(attempts.find((p) => p.status !== 'failed') ?? attempts.at(-1) ?? null), lost);
  }

  async cancel(request: CancelRequest): Promise<GatewayPayment> {
    const lost = this.enter('cancel', request);
    const payment = this.payments.get(request.gatewayPaymentId);
    if (!payment || payment.merchantUid !== request.merchantUid) throw new GatewayRejectedError('취소할 결제건이 존재하지 않습니다.', 1);
    const balance = payment.amount - payment.cancelledAmount;
    if (payment.paidAt === null) throw new GatewayRejectedError('결제완료되지 않은 주문입니다.', 1);
    if (balance <= 0) throw new GatewayRejectedError('이미 전액취소된 주문입니다.', 1);
    if (request.checksum !== balance) throw new GatewayRejectedError(`checksum ${request.checksum} does not match the cancellable balance`, 1);
    if (request.amount > balance) throw new GatewayRejectedError('requested cancel amount is bigger than cancelable amount', 1);
    payment.cancelledAmount += request.amount;
    payment.status = 'cancelled';
    payment.cancellations.push({ amount: request.amount, reason: request.reason, cancelledAt: this.now(), receiptId: `rcpt_${payment.cancellations.length + 1}` });
    return this.answer(this.copy(payment) as GatewayPayment, lost);
  }

  async chargeBillingKey(charge: BillingCharge): Promise<GatewayPayment> {
    const lost = this.enter('chargeBillingKey', charge);
    const key = this.billingKeys.get(charge.customerUid);
    if (!key) throw new GatewayRejectedError('등록되지 않은 구매자입니다.', -1);
    const attempts = [...this.payments.values()].filter((p) => p.merchantUid === charge.merchantUid);
    if (attempts.some((p) => p.status === 'paid' || p.status === 'cancelled')) throw new GatewayRejectedError('이미 결제된 merchant_uid입니다.', 1);
    const gatewayPaymentId = `imp_mem_${String(++this.sequence).padStart(8, '0')}`;
    const payment: GatewayPayment = {
      gatewayPaymentId, merchantUid: charge.merchantUid, amount: charge.amount, status: key.declines ? 'failed' : 'paid',
      cancelledAmount: 0, cancellations: [], paidAt: key.declines ? null : this.now(), customerUid: charge.customerUid, customerKey: charge.customerUid,
      failReason: key.declines ? '카드사 거절: 잔액부족' : null,
      ...(key.declines ? {} : { card: this.cardApproval() }),
    };
    this.payments.set(gatewayPaymentId, payment);
    return this.answer(this.copy(payment) as GatewayPayment, lost);
  }

  /** A key the gateway no longer has counts as deleted, as the Iamport adapter treats it. */
  async deleteBillingKey(customerUid: string): Promise<void> {
    const lost = this.enter('deleteBillingKey', customerUid);
    this.billingKeys.delete(customerUid);
    this.answer(undefined, lost);
  }

  async findBillingKey(customerUid: string): Promise<StoredCard | null> {
    return this.billingKeys.has(customerUid) ? { customerUid, cardNumber: '536181******1234' } : null;
  }

  /** The buyer stores a card in the PG window without paying (a trial's billing-key issuance). */
  buyerStoresCard(customerUid: string): void {
    this.billingKeys.set(customerUid, { declines: false });
  }

  async ping(): Promise<void> {
    this.answer(undefined, this.enter('ping', null));
  }

  /** Records the call and plays the scripted outcome; true when the answer must be lost after acting. */
  private enter(operation: Operation, args: unknown): boolean {
    this.calls.push({ operation, args });
    const index = this.script.findIndex((s) => s.operation === operation || s.operation === '*');
    if (index < 0) return false;
    const [step] = this.script.splice(index, 1);
    if (step.outcome === 'lost') return true;
    if (step.outcome === 'unknown') throw new GatewayUnavailableError(step.message);
    throw new GatewayRejectedError(step.message, -1);
  }

  private answer<T>(value: T, lost: boolean): T {
    if (lost) throw new GatewayUnavailableError();
    return value;
  }

  /** A card company's approval as the PGs answer it: an 8-digit number, the card masked. */
  private cardApproval(): CardApproval {
    return { approvalNumber: String(30_000_000 + this.sequence), maskedNumber: '536148******1234' };
  }

  private copy(payment: GatewayPayment | null): GatewayPayment | null {
    return payment ? { ...payment, cancellations: payment.cancellations.map((c) => ({ ...c })) } : null;
  }
}
