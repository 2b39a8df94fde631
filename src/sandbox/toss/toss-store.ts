// The fake Toss's state and rules: payments (authorised in the window, approved by confirm),
// partial cancels with Idempotency-Key replay, billing auths, billing keys and their charges.
// Codes and messages follow Toss's error table (docs/toss-payments.md §4); where Toss's exact
// answer is unconfirmed the choice is marked "sandbox:". In memory, and with a journal also on disk,
// so the sandbox survives a restart (../shared/sandbox-journal.ts).
import { randomBytes } from 'node:crypto';
import type { SandboxJournal } from '../shared/sandbox-journal.js';
import type { TossCancel, TossError, TossPayment, TossPaymentStatus } from './toss-wire.types.js';
import { TOSS_TEST_CARDS, type TossCardKind } from './toss-cards.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; error: TossError };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const no = (status: number, code: string, message: string): Outcome<never> => ({ ok: false, status, error: { code, message } });

export const ERR = {
  notFoundPayment: () => no(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 정보 입니다.'),
  alreadyProcessed: () => no(400, 'ALREADY_PROCESSED_PAYMENT', '이미 처리된 결제 입니다.'),
  duplicatedOrderId: () => no(400, 'DUPLICATED_ORDER_ID', '이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요.'),
  sessionExpired: () => no(404, 'NOT_FOUND_PAYMENT_SESSION', '결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.'),
  // sandbox: Toss's code for a confirm amount other than the authorised one is unconfirmed.
  amountMismatch: () => no(400, 'INVALID_REQUEST', '결제 승인 금액이 결제 요청 금액과 일치하지 않습니다.'),
  alreadyCanceled: () => no(400, 'ALREADY_CANCELED_PAYMENT', '이미 취소된 결제 입니다.'),
  notCancelablePayment: () => no(403, 'NOT_CANCELABLE_PAYMENT', '취소 할 수 없는 결제 입니다.'),
  notCancelableAmount: () => no(403, 'NOT_CANCELABLE_AMOUNT', '취소 할 수 없는 금액 입니다.'),
  refundableMismatch: () => no(400, 'NOT_MATCHES_REFUNDABLE_AMOUNT', '잔액 결과가 일치하지 않습니다.'),
  notFoundBilling: () => no(404, 'NOT_FOUND_BILLING', '존재하지 않는 빌링 정보 입니다.'),
  customerKeyMismatch: () => no(400, 'NOT_MATCHES_CUSTOMER_KEY', '빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다.'),
  // sandbox: an unknown or used authKey; Toss's exact code is unconfirmed.
  invalidAuthKey: () => no(400, 'INVALID_AUTHORIZE_AUTH', '유효하지 않은 인증 방식입니다.'),
  invalid: (what: string) => no(400, 'INVALID_REQUEST', `잘못된 요청입니다. (${what})`),
};

/** Toss: an authenticated payment must be confirmed within 10 minutes, or it is lost. */
const CONFIRM_WINDOW_MS = 10 * 60 * 1000;
const ORDER_ID = /^[a-zA-Z0-9\-_.]{6,64}$/;
const CUSTOMER_KEY = /^[a-zA-Z0-9\-_=.,@]{2,300}$/;

interface PaymentRecord {
  payment: TossPayment;
  /** The card the window authenticated, decides the approval. */
  card: TossCardKind;
  authorisedAt: Date;
}

interface BillingRecord {
  billingKey: string;
  customerKey: string;
  card: TossCardKind;
  authenticatedAt: Date;
}

export interface StoredReply {
  status: number;
  body: unknown;
}

export interface TossStoreOptions {
  now: () => Date;
  /** Called after every change of a payment's status (the webhook's PAYMENT_STATUS_CHANGED). */
  onStatusChange?: (payment: TossPayment) => void;
  /** Where every change is written and, at construction, read back from; none = memory only. */
  journal?: SandboxJournal | null;
}

/** The journal's names for the maps below. */
const KIND = { payment: 'payment', billingKey: 'billing_key', authKey: 'auth_key', reply: 'idempotent_reply' } as const;

export class TossStore {
  readonly payments = new Map<string, PaymentRecord>();
  readonly billingKeys = new Map<string, BillingRecord>();
  /** authKey -> what requestBillingAuth authenticated; single use. */
  readonly authKeys = new Map<string, { customerKey: string; card: TossCardKind }>();
  /** Idempotency-Key -> the first answer, replayed for 15 days at Toss (forever here). */
  private readonly idempotent = new Map<string, StoredReply>();

  constructor(private readonly options: TossStoreOptions) {
    if (options.journal) this.replay(options.journal);
  }

  reset(): void {
    this.payments.clear();
    this.billingKeys.clear();
    this.authKeys.clear();
    this.idempotent.clear();
    this.options.journal?.clear();
  }

  /** The first answer given under an Idempotency-Key scope, if any. */
  replyOf(scope: string): StoredReply | undefined {
    return this.idempotent.get(scope);
  }

  rememberReply(scope: string, reply: StoredReply): void {
    this.idempotent.set(scope, reply);
    this.persist(KIND.reply, scope, reply);
  }

  /** Loads what an earlier process left (times back to Dates), then rewrites the journal as one line per live record. */
  private replay(journal: SandboxJournal): void {
    const live = journal.read();
    for (const { kind, key, value } of live) {
      if (kind === KIND.payment) {
        const record = value as PaymentRecord;
        this.payments.set(key, { ...record, authorisedAt: new Date(record.authorisedAt) });
      } else if (kind === KIND.billingKey) {
        const record = value as BillingRecord;
        this.billingKeys.set(key, { ...record, authenticatedAt: new Date(record.authenticatedAt) });
      } else if (kind === KIND.authKey) this.authKeys.set(key, value as { customerKey: string; card: TossCardKind });
      else if (kind === KIND.reply) this.idempotent.set(key, value as StoredReply);
    }
    journal.rewrite(live);
  }

  private persist(kind: (typeof KIND)[keyof typeof KIND], key: string, value: unknown): void {
    this.options.journal?.write(kind, key, value);
  }

  // --- the window -------------------------------------------------------------

  /** The buyer authenticated a card in the window: an IN_PROGRESS payment, approved only by confirm. */
  authorise(input: { orderId: string; amount: number; orderName: string | null; card: TossCardKind }): Outcome<TossPayment> {
    if (!ORDER_ID.test(input.orderId)) return ERR.invalid('orderId');
    if (!Number.isInteger(input.amount) || input.amount < 1) return ERR.invalid('amount');
    const now = this.options.now();
    const payment: TossPayment = {
      paymentKey: newKey('tpk'),
      orderId: input.orderId,
      orderName: input.orderName,
      status: 'IN_PROGRESS',
      totalAmount: input.amount,
      balanceAmount: input.amount,
      requestedAt: iso(now),
      approvedAt: null,
      cancels: null,
      failure: null,
      type: 'NORMAL',
      method: '카드',
    };
    const record = { payment, card: input.card, authorisedAt: now };
    this.payments.set(payment.paymentKey, record);
    this.persist(KIND.payment, payment.paymentKey, record);
    return ok(structuredClone(payment));
  }

  /** requestBillingAuth: the card is authenticated for `customerKey`; the authKey is issued once. */
  authoriseBilling(customerKey: string, card: TossCardKind): Outcome<{ authKey: string; customerKey: string }> {
    if (!CUSTOMER_KEY.test(customerKey)) return ERR.invalid('customerKey');
    const authKey = newKey('auth');
    this.authKeys.set(authKey, { customerKey, card });
    this.persist(KIND.authKey, authKey, { customerKey, card });
    return ok({ authKey, customerKey });
  }

  // --- REST --------------------------------------------------------------------

  confirm(body: { paymentKey: unknown; orderId: unknown; amount: unknown }): Outcome<TossPayment> {
    if (typeof body.paymentKey !== 'string' || typeof body.orderId !== 'string' || typeof body.amount !== 'number') {
      return ERR.invalid('paymentKey, orderId, amount');
    }
    const record = this.record(body.paymentKey);
    if (!record) return ERR.notFoundPayment();
    const p = record.payment;
    if (p.status === 'EXPIRED') return ERR.sessionExpired();
    if (p.status !== 'IN_PROGRESS') return ERR.alreadyProcessed();
    if (p.orderId !== body.orderId) return ERR.notFoundPayment();
    if (body.amount !== p.totalAmount) return ERR.amountMismatch();
    if (this.chargedOf(p.orderId)) return ERR.duplicatedOrderId();
    return this.approve(record);
  }

  getPayment(paymentKey: string): Outcome<TossPayment> {
    const record = this.record(paymentKey);
    return record ? ok(structuredClone(record.payment)) : ERR.notFoundPayment();
  }

  /** The charged payment of an orderId if there is one, else its latest attempt (sandbox: Toss's choice among several is unconfirmed). */
  getByOrderId(orderId: string): Outcome<TossPayment> {
    const all = this.attemptsOf(orderId);
    const found = all.find((r) => isCharged(r.payment.status)) ?? all.at(-1);
    return found ? ok(structuredClone(found.payment)) : ERR.notFoundPayment();
  }

  cancel(paymentKey: string, body: { cancelReason: unknown; cancelAmount: unknown; refundableAmount: unknown }): Outcome<TossPayment> {
    const record = this.record(paymentKey);
    if (!record) return ERR.notFoundPayment();
    const p = record.payment;
    if (typeof body.cancelReason !== 'string' || body.cancelReason.trim() === '') return ERR.invalid('cancelReason');
    if (p.status === 'CANCELED') return ERR.alreadyCanceled();
    if (p.status !== 'DONE' && p.status !== 'PARTIAL_CANCELED') return ERR.notCancelablePayment();
    if (body.refundableAmount !== undefined && body.refundableAmount !== p.balanceAmount) return ERR.refundableMismatch();
    const amount = body.cancelAmount === undefined ? p.balanceAmount : body.cancelAmount;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0 || amount > p.balanceAmount) return ERR.notCancelableAmount();

    const balance = p.balanceAmount - amount;
    const entry: TossCancel = {
      cancelAmount: amount,
      cancelReason: body.cancelReason,
      canceledAt: iso(this.options.now()),
      transactionKey: newKey('txc'),
      refundableAmount: balance,
    };
    p.balanceAmount = balance;
    p.cancels = [...(p.cancels ?? []), entry];
    this.setStatus(record, balance === 0 ? 'CANCELED' : 'PARTIAL_CANCELED');
    return ok(structuredClone(p));
  }

  issueBillingKey(body: { authKey: unknown; customerKey: unknown }): Outcome<{ mId: string; customerKey: string; billingKey: string; authenticatedAt: string; method: string }> {
    if (typeof body.authKey !== 'string' || typeof body.customerKey !== 'string') return ERR.invalid('authKey, customerKey');
    const auth = this.authKeys.get(body.authKey);
    if (!auth) return ERR.invalidAuthKey();
    if (auth.customerKey !== body.customerKey) return ERR.customerKeyMismatch();
    this.authKeys.delete(body.authKey);
    this.persist(KIND.authKey, body.authKey, null);
    const now = this.options.now();
    const record: BillingRecord = { billingKey: newKey('bk'), customerKey: auth.customerKey, card: auth.card, authenticatedAt: now };
    this.billingKeys.set(record.billingKey, record);
    this.persist(KIND.billingKey, record.billingKey, record);
    return ok({ mId: 'tosssandbox', customerKey: record.customerKey, billingKey: record.billingKey, authenticatedAt: iso(now), method: '카드' });
  }

  /** A charge of a stored card: DONE, or an ABORTED record with the decline when the card refuses. */
  chargeBilling(billingKey: string, body: { customerKey: unknown; amount: unknown; orderId: unknown; orderName: unknown }): Outcome<TossPayment> {
    const billing = this.billingKeys.get(billingKey);
    if (!billing) return ERR.notFoundBilling();
    if (typeof body.customerKey !== 'string' || typeof body.orderId !== 'string' || typeof body.orderName !== 'string') {
      return ERR.invalid('customerKey, orderId, orderName');
    }
    if (body.customerKey !== billing.customerKey) return ERR.customerKeyMismatch();
    if (typeof body.amount !== 'number' || !Number.isInteger(body.amount) || body.amount < 1) return ERR.invalid('amount');
    if (!ORDER_ID.test(body.orderId)) return ERR.invalid('orderId');
    if (this.chargedOf(body.orderId)) return ERR.duplicatedOrderId();
    const authorised = this.authorise({ orderId: body.orderId, amount: body.amount, orderName: body.orderName, card: billing.card });
    if (!authorised.ok) return authorised;
    const record = this.payments.get(authorised.value.paymentKey) as PaymentRecord;
    record.payment.type = 'BILLING';
    return this.approve(record);
  }

  /** The billing key is deleted: it charges nothing from now on. sandbox: Toss's answer body is unconfirmed; the adapter reads none. */
  deleteBillingKey(billingKey: string): Outcome<{ billingKey: string }> {
    if (!this.billingKeys.delete(billingKey)) return ERR.notFoundBilling();
    this.persist(KIND.billingKey, billingKey, null);
    return ok({ billingKey });
  }

  /** Control panel: the stored card of a billing key approves or declines from now on. */
  setBillingCard(billingKey: string, card: TossCardKind): boolean {
    const billing = this.billingKeys.get(billingKey);
    if (!billing) return false;
    billing.card = card;
    this.persist(KIND.billingKey, billingKey, billing);
    return true;
  }

  /** Billing keys issued for a customerKey (control panel and tests). */
  billingKeysOf(customerKey: string): string[] {
    return [...this.billingKeys.values()].filter((b) => b.customerKey === customerKey).map((b) => b.billingKey);
  }

  // --- rules -------------------------------------------------------------------

  private approve(record: PaymentRecord): Outcome<TossPayment> {
    const p = record.payment;
    const decline = TOSS_TEST_CARDS[record.card].decline;
    if (decline) {
      p.failure = { ...decline.error };
      this.setStatus(record, 'ABORTED');
      return { ok: false, status: decline.status, error: { ...decline.error } };
    }
    p.approvedAt = iso(this.options.now());
    this.setStatus(record, 'DONE');
    return ok(structuredClone(p));
  }

  /** A payment, with an unconfirmed authorisation expired after Toss's 10 minutes. */
  private record(paymentKey: string): PaymentRecord | undefined {
    const record = this.payments.get(paymentKey);
    if (record && record.payment.status === 'IN_PROGRESS' && this.options.now().getTime() - record.authorisedAt.getTime() > CONFIRM_WINDOW_MS) {
      record.payment.failure = { code: 'EXPIRED_PAYMENT', message: '결제가 만료되었습니다. 다시 시도해주세요.' };
      this.setStatus(record, 'EXPIRED');
    }
    return record;
  }

  private attemptsOf(orderId: string): PaymentRecord[] {
    return [...this.payments.keys()].map((k) => this.record(k) as PaymentRecord).filter((r) => r.payment.orderId === orderId);
  }

  private chargedOf(orderId: string): PaymentRecord | undefined {
    return this.attemptsOf(orderId).find((r) => isCharged(r.payment.status));
  }

  private setStatus(record: PaymentRecord, status: TossPaymentStatus): void {
    record.payment.status = status;
    this.persist(KIND.payment, record.payment.paymentKey, record);
    this.options.onStatusChange?.(structuredClone(record.payment));
  }
}

function isCharged(status: TossPaymentStatus): boolean {
  return status === 'DONE' || status === 'CANCELED' || status === 'PARTIAL_CANCELED';
}

function newKey(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** ISO 8601 in KST with an offset, the way Toss writes times (`2024-02-13T12:20:23+09:00`). */
export function iso(date: Date): string {
  const kst = new Date(date.getTime() + 9 * 3600_000);
  return `${kst.toISOString().slice(0, 19)}+09:00`;
}
