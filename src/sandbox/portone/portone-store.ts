// The fake PortOne V2's state and rules: pre-registrations, payments (attempts under the merchant's
// paymentId, at most one paid), partial and full cancels with the cancellable-amount check, billing
// keys and their charges. Types, statuses and rules follow docs/portone-v2.md; where PortOne's
// answer is not documented the choice is marked "sandbox:". Every method is synchronous, so one
// request's check-then-write never interleaves with another's. All state sits in the three maps
// below as plain JSON records and changes only through put()/forget(), the one place a journal
// (a file surviving restarts) would hook in.
import { randomBytes, randomUUID } from 'node:crypto';
import { PORTONE_TEST_CARDS, maskCardNumber, type PortOneCardKind } from './portone-cards.js';
import type { V2BillingKeyInfo, V2Cancellation, V2CardMethod, V2Channel, V2Customer, V2Error, V2Payment } from './portone-wire.types.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; error: V2Error };

const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
const no = (status: number, type: string, message: string, pg?: { pgCode: string; pgMessage: string }): Outcome<never> =>
  ({ ok: false, status, error: { type, message, ...pg } });

/** The REST refusals, each with the one HTTP status V2's OpenAPI gives its type. */
export const ERR = {
  invalid: (what: string) => no(400, 'INVALID_REQUEST', `요청이 올바르지 않습니다. (${what})`),
  forbidden: () => no(403, 'FORBIDDEN', '요청된 상점에 대한 권한이 없습니다.'),
  paymentNotFound: () => no(404, 'PAYMENT_NOT_FOUND', '결제 건이 존재하지 않습니다.'),
  billingKeyNotFound: () => no(404, 'BILLING_KEY_NOT_FOUND', '빌링키가 존재하지 않습니다.'),
  alreadyPaid: () => no(409, 'ALREADY_PAID', '결제가 이미 완료되었습니다.'),
  notPaid: () => no(409, 'PAYMENT_NOT_PAID', '결제가 완료되지 않았습니다.'),
  alreadyCancelled: () => no(409, 'PAYMENT_ALREADY_CANCELLED', '결제가 이미 취소되었습니다.'),
  cancellableMismatch: () => no(409, 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN', '취소 가능 잔액 검증에 실패했습니다.'),
  cancelExceeds: () => no(409, 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT', '결제 취소 금액이 취소 가능 금액을 초과했습니다.'),
  billingKeyDeleted: () => no(409, 'BILLING_KEY_ALREADY_DELETED', '빌링키가 이미 삭제되었습니다.'),
  pgProvider: (pg: { pgCode: string; pgMessage: string }) => no(502, 'PG_PROVIDER', `PG사에서 오류를 전달했습니다. (${pg.pgMessage})`, pg),
};

/**
 * What the browser SDK answers instead of opening a window (its `code` values), and for failures
 * inside it. sandbox: which code a buyer's own cancel gets is not documented; PGProviderError is
 * what a PG-reported failure gets.
 */
export const WINDOW_ERROR = {
  invalidArgument: 'InvalidArgument',
  storeNotFound: 'StoreNotFound',
  channelNotFound: 'ChannelNotFound',
  alreadyPaid: 'PaymentAlreadyPaid',
  amountMismatch: 'AmountNotEqualToPredefined',
  pgProvider: 'PGProviderError',
} as const;

export const USER_CANCELLED = { pgCode: 'V899', pgMessage: '사용자가 결제를 취소하였습니다.' };

/** The browser SDK's failure fields (no payment was made). */
export interface WindowRefusal {
  code: string;
  message: string;
  pgCode?: string;
  pgMessage?: string;
}

export type WindowOutcome<T> = { ok: true; value: T } | { ok: false; refusal: WindowRefusal };

/** The change a webhook reports (Transaction.* / BillingKey.*), with the noticeUrls it goes to. */
export type StoreEvent =
  | { type: string; paymentId: string; transactionId: string; cancellationId?: string; noticeUrls: string[] }
  | { type: string; billingKey: string; noticeUrls: string[] };

interface PaymentRecord {
  payment: V2Payment;
  /** The card of the standing attempt; null before any card was chosen. */
  card: PortOneCardKind | null;
  /** The payment's webhook targets (its request's noticeUrls); sandbox: its later events go there too. */
  noticeUrls: string[];
}

interface BillingKeyRecord {
  info: V2BillingKeyInfo;
  /** Decides every charge of the key; the control panel may change it. */
  card: PortOneCardKind;
}

interface PreRegistration {
  totalAmount: number | null;
  currency: string | null;
}

export interface AttemptInput {
  paymentId: string;
  orderName: string;
  totalAmount: number;
  currency: string;
  customer: V2Customer;
  customData?: string;
  noticeUrls: string[];
  /** Set when the attempt pays with (or stores) a billing key. */
  billingKey?: string;
}

export interface BillingKeyInput {
  customer: V2Customer;
  issueId?: string;
  issueName?: string;
  noticeUrls: string[];
}

export interface PortOneStoreOptions {
  now: () => Date;
  storeId: string;
  merchantId: string;
  channel: V2Channel;
  /** Called after every change a webhook reports. */
  onEvent?: (event: StoreEvent) => void;
}

type Kind = 'payment' | 'billingKey' | 'preRegistration';

export class PortOneStore {
  readonly payments = new Map<string, PaymentRecord>();
  readonly billingKeys = new Map<string, BillingKeyRecord>();
  readonly preRegistrations = new Map<string, PreRegistration>();

  constructor(private readonly options: PortOneStoreOptions) {}

  reset(): void {
    this.payments.clear();
    this.billingKeys.clear();
    this.preRegistrations.clear();
  }

  /** A copy of the standing payment of a paymentId (control panel, tests). */
  paymentOf(paymentId: string): V2Payment | undefined {
    const record = this.payments.get(paymentId);
    return record ? structuredClone(record.payment) : undefined;
  }

  // --- REST --------------------------------------------------------------------

  /** `POST /payments/{paymentId}/pre-register`. sandbox: a later pre-registration of an unpaid paymentId replaces the earlier one. */
  preRegister(paymentId: string, body: { totalAmount: unknown; currency: unknown }): Outcome<Record<string, never>> {
    if (body.totalAmount !== undefined && !isWon(body.totalAmount)) return ERR.invalid('totalAmount');
    if (body.currency !== undefined && typeof body.currency !== 'string') return ERR.invalid('currency');
    if (this.isCharged(paymentId)) return ERR.alreadyPaid();
    this.put('preRegistration', paymentId, { totalAmount: body.totalAmount ?? null, currency: body.currency ?? null });
    return ok({});
  }

  getPayment(paymentId: string): Outcome<V2Payment> {
    const record = this.payments.get(paymentId);
    return record ? ok(structuredClone(record.payment)) : ERR.paymentNotFound();
  }

  /** `POST /payments/{paymentId}/cancel`: `amount` omitted cancels what is left; `currentCancellableAmount`, when sent, must be that balance. */
  cancel(paymentId: string, body: { reason: unknown; amount: unknown; currentCancellableAmount: unknown }): Outcome<{ cancellation: V2Cancellation }> {
    const record = this.payments.get(paymentId);
    if (!record) return ERR.paymentNotFound();
    if (typeof body.reason !== 'string' || body.reason.trim() === '') return ERR.invalid('reason');
    if (body.amount !== undefined && (!isWon(body.amount) || body.amount === 0)) return ERR.invalid('amount');
    if (body.currentCancellableAmount !== undefined && !isWon(body.currentCancellableAmount)) return ERR.invalid('currentCancellableAmount');
    const p = record.payment;
    if (p.status === 'CANCELLED') return ERR.alreadyCancelled();
    if (p.status !== 'PAID' && p.status !== 'PARTIAL_CANCELLED') return ERR.notPaid();
    const balance = p.amount.total - p.amount.cancelled;
    if (body.currentCancellableAmount !== undefined && body.currentCancellableAmount !== balance) return ERR.cancellableMismatch();
    const amount = body.amount ?? balance;
    if (amount > balance) return ERR.cancelExceeds();

    const now = iso(this.options.now());
    const cancellation: V2Cancellation = {
      status: 'SUCCEEDED', id: randomUUID(), pgCancellationId: newId('pgc'), totalAmount: amount, taxFreeAmount: 0,
      vatAmount: Math.round(amount / 11), reason: body.reason, requestedAt: now, cancelledAt: now, trigger: 'API',
    };
    // sandbox: amount.paid (what the buyer paid) stays as it was; refunds show in amount.cancelled.
    p.amount.cancelled += amount;
    p.cancellations = [...(p.cancellations ?? []), cancellation];
    p.cancelledAt = now;
    const status = p.amount.cancelled === p.amount.total ? 'CANCELLED' : 'PARTIAL_CANCELLED';
    this.changeStatus(record, status, now);
    delete p.disputes;
    this.put('payment', paymentId, record);
    this.emit({ type: status === 'CANCELLED' ? 'Transaction.Cancelled' : 'Transaction.PartialCancelled', paymentId, transactionId: p.transactionId, cancellationId: cancellation.id, noticeUrls: record.noticeUrls });
    return ok({ cancellation: structuredClone(cancellation) });
  }

  /**
   * `POST /payments/{paymentId}/billing-key`: synchronous. A declining card leaves a FAILED attempt
   * readable by GET and answers 502 PG_PROVIDER (sandbox: V2 documents the 502, the FAILED record is
   * the likely reading). A paymentId whose earlier attempts failed may be paid again.
   */
  payWithBillingKey(paymentId: string, body: { billingKey: unknown; orderName: unknown; amount: unknown; currency: unknown; customer: unknown; customData: unknown; noticeUrls: unknown }): Outcome<{ payment: { pgTxId: string; paidAt: string } }> {
    if (typeof body.billingKey !== 'string' || body.billingKey === '') return ERR.invalid('billingKey');
    if (typeof body.orderName !== 'string' || body.orderName.trim() === '') return ERR.invalid('orderName');
    const total = (body.amount as { total?: unknown } | null | undefined)?.total;
    if (!isWon(total) || total === 0) return ERR.invalid('amount.total');
    if (typeof body.currency !== 'string' || body.currency === '') return ERR.invalid('currency');
    const key = this.billingKeys.get(body.billingKey);
    if (!key) return ERR.billingKeyNotFound();
    if (key.info.status === 'DELETED') return ERR.billingKeyDeleted();
    if (this.isCharged(paymentId)) return ERR.alreadyPaid();

    const record = this.attempt({
      paymentId, orderName: body.orderName, totalAmount: total, currency: body.currency, customer: customerOf(body.customer),
      customData: stringOf(body.customData), noticeUrls: urlsOf(body.noticeUrls), billingKey: body.billingKey,
    }, key.card);
    const decline = PORTONE_TEST_CARDS[key.card].decline;
    if (decline) return ERR.pgProvider(decline);
    return ok({ payment: { pgTxId: record.payment.pgTxId as string, paidAt: record.payment.paidAt as string } });
  }

  getBillingKey(billingKey: string): Outcome<V2BillingKeyInfo> {
    const key = this.billingKeys.get(billingKey);
    return key ? ok(structuredClone(key.info)) : ERR.billingKeyNotFound();
  }

  /** `DELETE /billing-keys/{billingKey}`: the key reads back DELETED afterwards. */
  deleteBillingKey(billingKey: string): Outcome<{ deletedAt: string }> {
    const key = this.billingKeys.get(billingKey);
    if (!key) return ERR.billingKeyNotFound();
    if (key.info.status === 'DELETED') return ERR.billingKeyDeleted();
    const deletedAt = iso(this.options.now());
    key.info = { ...key.info, status: 'DELETED', deletedAt };
    this.put('billingKey', billingKey, key);
    this.emit({ type: 'BillingKey.Deleted', billingKey, noticeUrls: [] });
    return ok({ deletedAt });
  }

  // --- the window ----------------------------------------------------------------

  /** What the browser SDK refuses before a payment window opens; null when it may open. */
  refusePayment(paymentId: string, totalAmount: number, currency: string): WindowRefusal | null {
    if (this.isCharged(paymentId)) return { code: WINDOW_ERROR.alreadyPaid, message: '이미 결제가 완료된 결제 건입니다.' };
    const pre = this.preRegistrations.get(paymentId);
    if (pre && ((pre.totalAmount !== null && pre.totalAmount !== totalAmount) || (pre.currency !== null && pre.currency !== currency))) {
      return { code: WINDOW_ERROR.amountMismatch, message: `사전 등록된 결제 금액(${pre.totalAmount})과 요청 금액(${totalAmount})이 다릅니다.` };
    }
    return null;
  }

  /**
   * The buyer pressed pay with `card` (PAID, or FAILED when it declines) or cancelled in the PG's
   * window (FAILED: the PG reports the cancel). A new attempt replaces a failed one of the paymentId.
   */
  payInWindow(input: AttemptInput, card: PortOneCardKind, action: 'pay' | 'cancel'): WindowOutcome<V2Payment> {
    const refusal = this.refusePayment(input.paymentId, input.totalAmount, input.currency);
    if (refusal) return { ok: false, refusal };
    return ok(structuredClone(this.attempt(input, action === 'cancel' ? null : card).payment));
  }

  /** requestIssueBillingKey: a declining card issues nothing (the PG's refusal is answered); others issue a key. */
  issueBillingKey(input: BillingKeyInput, card: PortOneCardKind): WindowOutcome<V2BillingKeyInfo> {
    const decline = PORTONE_TEST_CARDS[card].decline;
    if (card === 'declined' && decline) return { ok: false, refusal: { code: WINDOW_ERROR.pgProvider, message: decline.pgMessage, ...decline } };
    const now = iso(this.options.now());
    const info: V2BillingKeyInfo = {
      status: 'ISSUED', billingKey: `billing-key-${randomUUID()}`, merchantId: this.options.merchantId, storeId: this.options.storeId,
      methods: [{ type: 'BillingKeyPaymentMethodCard', card: cardOf(card) }], channels: [structuredClone(this.options.channel)],
      customer: input.customer, ...(input.issueId ? { issueId: input.issueId } : {}), ...(input.issueName ? { issueName: input.issueName } : {}),
      requestedAt: now, issuedAt: now,
    };
    this.put('billingKey', info.billingKey, { info, card });
    this.emit({ type: 'BillingKey.Issued', billingKey: info.billingKey, noticeUrls: input.noticeUrls });
    return ok(structuredClone(info));
  }

  /**
   * requestIssueBillingKeyAndPay: the key and the first payment in one window. sandbox: when the
   * first payment declines, PortOne keeps no key and the payment is FAILED.
   */
  issueBillingKeyAndPay(input: AttemptInput, card: PortOneCardKind): WindowOutcome<{ payment: V2Payment; billingKey: string | null }> {
    const refusal = this.refusePayment(input.paymentId, input.totalAmount, input.currency);
    if (refusal) return { ok: false, refusal };
    if (PORTONE_TEST_CARDS[card].decline) {
      return ok({ payment: structuredClone(this.attempt(input, card).payment), billingKey: null });
    }
    const issued = this.issueBillingKey({ customer: input.customer, noticeUrls: input.noticeUrls }, card);
    if (!issued.ok) return issued;
    const record = this.attempt({ ...input, billingKey: issued.value.billingKey }, card);
    return ok({ payment: structuredClone(record.payment), billingKey: issued.value.billingKey });
  }

  /** Control panel: the card behind a billing key approves or declines from now on. */
  setBillingKeyCard(billingKey: string, card: PortOneCardKind): boolean {
    const key = this.billingKeys.get(billingKey);
    if (!key) return false;
    key.card = card;
    this.put('billingKey', billingKey, key);
    return true;
  }

  // --- rules -----------------------------------------------------------------------

  /** Money was taken under this paymentId (whatever was refunded since): no further attempt. */
  private isCharged(paymentId: string): boolean {
    const status = this.payments.get(paymentId)?.payment.status;
    return status === 'PAID' || status === 'PARTIAL_CANCELLED' || status === 'CANCELLED';
  }

  /** A new attempt (transaction) under `input.paymentId`, ended at once: PAID, or FAILED for a declining card or a cancel (`card` null). */
  private attempt(input: AttemptInput, card: PortOneCardKind | null): PaymentRecord {
    const now = iso(this.options.now());
    const payment: V2Payment = {
      status: 'READY', id: input.paymentId, transactionId: randomUUID(), merchantId: this.options.merchantId, storeId: this.options.storeId,
      channel: structuredClone(this.options.channel), version: 'V2', ...(input.billingKey ? { billingKey: input.billingKey } : {}),
      requestedAt: now, updatedAt: now, statusChangedAt: now, orderName: input.orderName,
      amount: { total: input.totalAmount, taxFree: 0, discount: 0, paid: 0, cancelled: 0, cancelledTaxFree: 0 },
      currency: input.currency, customer: input.customer, ...(input.customData !== undefined ? { customData: input.customData } : {}),
    };
    const record: PaymentRecord = { payment, card, noticeUrls: input.noticeUrls };
    const decline = card === null ? USER_CANCELLED : PORTONE_TEST_CARDS[card].decline;
    if (card !== null) payment.method = methodOf(card);
    if (decline) {
      payment.failedAt = now;
      payment.failure = { reason: decline.pgMessage, pgCode: decline.pgCode, pgMessage: decline.pgMessage };
      this.changeStatus(record, 'FAILED', now);
    } else {
      payment.amount.paid = input.totalAmount;
      payment.paidAt = now;
      payment.pgTxId = newId('pgtx');
      payment.disputes = [];
      payment.cancellations = [];
      (payment.method as V2CardMethod).approvalNumber = String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0');
      this.changeStatus(record, 'PAID', now);
    }
    this.put('payment', input.paymentId, record);
    this.emit({ type: payment.status === 'PAID' ? 'Transaction.Paid' : 'Transaction.Failed', paymentId: payment.id, transactionId: payment.transactionId, noticeUrls: record.noticeUrls });
    return record;
  }

  private changeStatus(record: PaymentRecord, status: V2Payment['status'], now: string): void {
    record.payment.status = status;
    record.payment.statusChangedAt = now;
    record.payment.updatedAt = now;
  }

  private put(kind: 'payment', key: string, value: PaymentRecord): void;
  private put(kind: 'billingKey', key: string, value: BillingKeyRecord): void;
  private put(kind: 'preRegistration', key: string, value: PreRegistration): void;
  private put(kind: Kind, key: string, value: PaymentRecord | BillingKeyRecord | PreRegistration): void {
    if (kind === 'payment') this.payments.set(key, value as PaymentRecord);
    else if (kind === 'billingKey') this.billingKeys.set(key, value as BillingKeyRecord);
    else this.preRegistrations.set(key, value as PreRegistration);
  }

  private emit(event: StoreEvent): void {
    this.options.onEvent?.(structuredClone(event));
  }
}

function cardOf(kind: PortOneCardKind): V2CardMethod['card'] {
  const card = PORTONE_TEST_CARDS[kind];
  const digits = card.number.replace(/\D/g, '');
  return { publisher: card.company, issuer: card.company, brand: 'LOCAL', type: 'CREDIT', ownerType: 'PERSONAL', bin: digits.slice(0, 6), name: card.company, number: maskCardNumber(card.number) };
}

function methodOf(kind: PortOneCardKind): V2CardMethod {
  return { type: 'PaymentMethodCard', card: cardOf(kind), installment: { month: 0, isInterestFree: false } };
}

/** REST `CustomerInput` (`name.full`) or the browser SDK's customer (`customerId`, `fullName`) -> the Payment's `customer`. */
export function customerOf(raw: unknown): V2Customer {
  if (!raw || typeof raw !== 'object') return {};
  const c = raw as Record<string, unknown>;
  const name = c.name && typeof c.name === 'object' ? (c.name as Record<string, unknown>).full : c.fullName;
  const customer: V2Customer = {};
  const id = stringOf(c.id) ?? stringOf(c.customerId);
  if (id) customer.id = id;
  if (stringOf(name)) customer.name = name as string;
  if (stringOf(c.email)) customer.email = c.email as string;
  if (stringOf(c.phoneNumber)) customer.phoneNumber = c.phoneNumber as string;
  return customer;
}

export function urlsOf(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.filter((u): u is string => typeof u === 'string' && u !== '') : [];
}

export function stringOf(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

/** A V2 amount in KRW: a non-negative integer. */
export function isWon(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

/** RFC 3339 in UTC. */
export function iso(date: Date): string {
  return date.toISOString();
}
