// State of the fake Iamport and the rules that change it. Every method is synchronous, so one
// request's check-then-write can never interleave with another's. In memory, and with a journal
// also on disk, so the sandbox survives a restart (../shared/sandbox-journal.ts).
import { randomBytes, randomInt } from 'node:crypto';
import type { SandboxJournal } from '../shared/sandbox-journal.js';
import { TEST_CARDS, maskCardNumber, type CardKind, type TestCard } from './sandbox-cards.js';

export type PaymentStatus = 'ready' | 'paid' | 'failed' | 'cancelled';
export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['ready', 'paid', 'failed', 'cancelled'];

export interface CancelHistoryEntry {
  pg_tid: string;
  amount: number;
  cancelled_at: number;
  reason: string | null;
  receipt_url: string;
  cancellation_id: string;
}

/** The V1 Payment object (IAMPORT_V1.md §4), with the fields a card payment fills. */
export interface IamportPayment {
  imp_uid: string;
  merchant_uid: string;
  amount: number;
  cancel_amount: number;
  currency: string;
  status: PaymentStatus;
  pay_method: string;
  channel: 'pc' | 'mobile' | 'api';
  pg_provider: string;
  emb_pg_provider: string | null;
  pg_tid: string;
  pg_id: string;
  escrow: boolean;
  apply_num: string;
  bank_code: string | null;
  bank_name: string | null;
  card_code: string;
  card_name: string;
  card_quota: number;
  card_number: string;
  card_type: number | null;
  name: string | null;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: string | null;
  user_agent: string;
  started_at: number;
  paid_at: number;
  failed_at: number;
  cancelled_at: number;
  fail_reason: string | null;
  cancel_reason: string | null;
  receipt_url: string;
  cancel_history: CancelHistoryEntry[];
  cancel_receipt_urls: string[];
  cash_receipt_issued: boolean;
  customer_uid: string | null;
  customer_uid_usage: 'issue' | 'payment' | 'payment.scheduled' | null;
  sandbox: true;
}

export interface PreparedPayment {
  merchant_uid: string;
  amount: number;
  currency: string | null;
}

export interface IamportCustomer {
  customer_uid: string;
  pg_provider: string;
  pg_id: string;
  sandbox: true;
  customer_id: string | null;
  card_name: string;
  card_code: string;
  card_number: string;
  card_type: number | null;
  customer_name: string | null;
  customer_tel: string | null;
  customer_email: string | null;
  customer_addr: string | null;
  customer_postcode: string | null;
  inserted: number;
  updated: number;
}

export interface PaymentRecord {
  payment: IamportPayment;
  seq: number;
  updatedSeq: number;
  noticeUrl: string | null;
}

export interface CustomerRecord {
  customer: IamportCustomer;
  /** What the key does on the next charge; the control route changes it for dunning tests. */
  card: CardKind;
}

/** A definite refusal, answered as the envelope `{code, message, response:null}` with `status`. */
export interface Refusal {
  ok: false;
  code: number;
  message: string;
  status: number;
}
export type Outcome<T> = { ok: true; value: T } | Refusal;

const refuse = (message: string, code = 1, status = 200): Refusal => ({ ok: false, code, message, status });

export const MSG = {
  notFound: '존재하지 않는 결제정보입니다.',
  prepareNotFound: '사전등록된 결제정보가 존재하지 않습니다.',
  alreadyPrepared: '이미 사전등록된 결제정보가 존재합니다. 금액 변경은 PUT /payments/prepare 를 사용하세요.',
  nothingToCancel: '취소할 결제건이 존재하지 않습니다.',
  cancelNeedsId: 'imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.',
  alreadyFullyCancelled: '이미 전액취소된 주문입니다.',
  unknownBuyer: '등록되지 않은 구매자입니다.',
  cardAuthFailed: '카드정보 인증에 실패하였습니다.',
  alreadyPaid: '이미 결제가 완료된 주문번호(merchant_uid)입니다.',
  userCancelled: '사용자가 결제를 취소하였습니다',
  windowClosed: '사용자가 결제창을 닫았습니다',
  badStatus: '지원되지 않는 상태값입니다.',
} as const;

export const customerNotFound = (uid: string) => `요청하신 customer_uid(${uid})로 등록된 정보를 찾을 수 없습니다.`;
export const amountDiffers = (prepared: number, requested: number) =>
  `사전등록된 결제금액(${prepared})과 요청금액(${requested})이 다릅니다. 결제가 진행되지 않았습니다.`;

/** Fields the browser SDK's request_pay passes on (IAMPORT_V1.md §6), already read as plain values. */
export interface PayRequest {
  merchant_uid: string;
  amount: number;
  name: string | null;
  currency: string | null;
  pg: string | null;
  pay_method: string | null;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: unknown;
  customer_uid: string | null;
  notice_url: string | null;
  user_agent: string;
  mobile: boolean;
}

export interface AgainRequest {
  customer_uid: string;
  merchant_uid: string;
  amount: number;
  name: string;
  currency: string | null;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  custom_data: unknown;
  notice_url: string | null;
}

export interface CancelRequest {
  imp_uid: string | null;
  merchant_uid: string | null;
  /** undefined or 0 = the full remainder. */
  amount: number | undefined;
  /** undefined = no check. */
  checksum: number | undefined;
  reason: string | null;
}

export interface SandboxStoreOptions {
  now: () => Date;
  /** Prefix of receipt links, e.g. `http://127.0.0.1:3100/__sandbox/receipts`. */
  receiptBase: string;
  /** Called after every change to paid / failed / cancelled. */
  onStateChange: (payment: IamportPayment, noticeUrl: string | null) => void;
  /** Where every change is written and, at construction, read back from; none = memory only. */
  journal?: SandboxJournal | null;
}

/** The journal's names for the maps below. */
const KIND = { payment: 'payment', prepared: 'prepared', customer: 'customer', token: 'token' } as const;

const TOKEN_TTL_S = 30 * 60;
const TOKEN_GRACE_S = 60;
const TOKEN_EXTENSION_S = 5 * 60;

export class SandboxStore {
  readonly payments = new Map<string, PaymentRecord>();
  /** The attempts of each merchant_uid: lookups by merchant_uid stay O(attempts), not O(all payments) (the renewal bench charges 100k). */
  private readonly byMerchantUid = new Map<string, PaymentRecord[]>();
  readonly prepared = new Map<string, PreparedPayment>();
  readonly customers = new Map<string, CustomerRecord>();
  readonly tokens = new Map<string, number>();
  private currentToken: string | null = null;
  private seq = 0;

  constructor(private readonly opts: SandboxStoreOptions) {
    if (opts.journal) this.replay(opts.journal);
  }

  reset(): void {
    this.payments.clear();
    this.byMerchantUid.clear();
    this.prepared.clear();
    this.customers.clear();
    this.tokens.clear();
    this.currentToken = null;
    this.seq = 0;
    this.opts.journal?.clear();
  }

  /** Loads what an earlier process left, then rewrites the journal as one line per live record. */
  private replay(journal: SandboxJournal): void {
    const now = this.nowSeconds();
    const live = journal.read().filter((e) => e.kind !== KIND.token || (e.value as number) > now);
    for (const { kind, key, value } of live) {
      if (kind === KIND.payment) {
        const record = value as PaymentRecord;
        this.payments.set(key, record);
        this.byMerchantUid.set(record.payment.merchant_uid, [...(this.byMerchantUid.get(record.payment.merchant_uid) ?? []), record]);
        this.seq = Math.max(this.seq, record.seq, record.updatedSeq);
      } else if (kind === KIND.prepared) this.prepared.set(key, value as PreparedPayment);
      else if (kind === KIND.customer) this.customers.set(key, value as CustomerRecord);
      else if (kind === KIND.token) {
        this.tokens.set(key, value as number);
        if (!this.currentToken || (value as number) > (this.tokens.get(this.currentToken) ?? 0)) this.currentToken = key;
      }
    }
    journal.rewrite(live);
  }

  private persist(kind: (typeof KIND)[keyof typeof KIND], key: string, value: unknown): void {
    this.opts.journal?.write(kind, key, value);
  }

  nowSeconds(): number {
    return Math.floor(this.opts.now().getTime() / 1000);
  }

  // --- tokens -------------------------------------------------------------

  /** Same token until it expires; a call in its last minute stretches it by 5 minutes (IAMPORT_V1.md §1). */
  issueToken(): { access_token: string; now: number; expired_at: number } {
    const now = this.nowSeconds();
    let token = this.currentToken;
    let expiresAt = token ? this.tokens.get(token) ?? 0 : 0;
    if (!token || expiresAt <= now) {
      token = randomBytes(20).toString('hex');
      expiresAt = now + TOKEN_TTL_S;
      this.currentToken = token;
    } else if (expiresAt - now <= TOKEN_GRACE_S) {
      expiresAt += TOKEN_EXTENSION_S;
    }
    this.tokens.set(token, expiresAt);
    this.persist(KIND.token, token, expiresAt);
    return { access_token: token, now, expired_at: expiresAt };
  }

  isTokenValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && expiresAt > this.nowSeconds();
  }

  // --- prepare ------------------------------------------------------------

  prepare(merchantUid: string, amount: number, currency: string | null): Outcome<PreparedPayment> {
    if (this.prepared.has(merchantUid)) return refuse(MSG.alreadyPrepared);
    const p = { merchant_uid: merchantUid, amount, currency };
    this.prepared.set(merchantUid, p);
    this.persist(KIND.prepared, merchantUid, p);
    return { ok: true, value: { ...p } };
  }

  updatePrepare(merchantUid: string, amount: number, currency: string | null): Outcome<PreparedPayment> {
    const p = this.prepared.get(merchantUid);
    if (!p) return refuse(MSG.prepareNotFound, 1, 404);
    p.amount = amount;
    if (currency !== null) p.currency = currency;
    this.persist(KIND.prepared, merchantUid, p);
    return { ok: true, value: { ...p } };
  }

  getPrepare(merchantUid: string): Outcome<PreparedPayment> {
    const p = this.prepared.get(merchantUid);
    return p ? { ok: true, value: { ...p } } : refuse(MSG.prepareNotFound, 1, 404);
  }

  // --- lookups ------------------------------------------------------------

  getPayment(impUid: string): IamportPayment | undefined {
    return this.payments.get(impUid)?.payment;
  }

  /** Every attempt with that merchant_uid, sorted like Iamport's `sorting` (default `-started`). */
  findByMerchantUid(merchantUid: string, status?: PaymentStatus, sorting = '-started'): IamportPayment[] {
    const desc = sorting.startsWith('-');
    const field = sorting.replace(/^[-+]/, '');
    const key = (r: PaymentRecord): number =>
      field === 'paid' ? r.payment.paid_at * 1e9 + r.seq : field === 'updated' ? r.updatedSeq : r.seq;
    return (this.byMerchantUid.get(merchantUid) ?? [])
      .filter((r) => !status || r.payment.status === status)
      .sort((a, b) => (desc ? key(b) - key(a) : key(a) - key(b)))
      .map((r) => r.payment);
  }

  private isMerchantUidPaid(merchantUid: string): boolean {
    return (this.byMerchantUid.get(merchantUid) ?? []).some((r) => r.payment.paid_at > 0);
  }

  // --- browser payments ---------------------------------------------------

  /** The checks Iamport runs before the PG window opens (prepared amount, paid merchant_uid). */
  checkPayable(merchantUid: string, amount: number, currency: string | null): Outcome<void> {
    const prepared = this.prepared.get(merchantUid);
    if (prepared && prepared.amount !== amount) return refuse(amountDiffers(prepared.amount, amount));
    if (prepared?.currency && currency && prepared.currency !== currency) {
      return refuse(`사전등록된 통화(${prepared.currency})와 요청 통화(${currency})가 다릅니다.`);
    }
    if (this.isMerchantUidPaid(merchantUid)) return refuse(MSG.alreadyPaid);
    return { ok: true, value: undefined };
  }

  /** The buyer pressed pay (or cancel after entering a card) in the PG window. */
  payInBrowser(req: PayRequest, kind: CardKind, action: 'pay' | 'cancel'): Outcome<IamportPayment> {
    const check = this.checkPayable(req.merchant_uid, req.amount, req.currency);
    if (!check.ok) return check;
    const card = TEST_CARDS[kind];
    const [pgProvider, mid] = (req.pg ?? 'html5_inicis').split('.');
    const payment = this.newPayment({
      merchant_uid: req.merchant_uid,
      amount: req.amount,
      currency: req.currency ?? 'KRW',
      pay_method: req.pay_method ?? 'card',
      channel: req.mobile ? 'mobile' : 'pc',
      pg_provider: pgProvider || 'html5_inicis',
      pg_id: mid || 'INIpayTest',
      name: req.name,
      buyer_name: req.buyer_name,
      buyer_email: req.buyer_email,
      buyer_tel: req.buyer_tel,
      buyer_addr: req.buyer_addr,
      buyer_postcode: req.buyer_postcode,
      custom_data: req.custom_data,
      user_agent: req.user_agent,
      customer_uid: req.customer_uid,
      customer_uid_usage: req.customer_uid ? 'issue' : null,
    }, card);
    if (action === 'cancel') this.settle(payment, { failReason: MSG.userCancelled });
    else this.settle(payment, card.decline ? { failReason: card.decline.reason } : 'paid');
    if (payment.status === 'paid' && req.customer_uid) {
      this.storeCustomer(req.customer_uid, kind, pgProvider || 'html5_inicis', mid || 'INIBillTst', {
        customer_name: req.buyer_name,
        customer_email: req.buyer_email,
        customer_tel: req.buyer_tel,
        customer_addr: req.buyer_addr,
        customer_postcode: req.buyer_postcode,
      });
    }
    return this.commit(payment, req.notice_url);
  }

  // --- cancel -------------------------------------------------------------

  cancel(req: CancelRequest): Outcome<IamportPayment> {
    if (!req.imp_uid && !req.merchant_uid) return refuse(MSG.cancelNeedsId);
    // imp_uid wins when both are sent; an unknown imp_uid fails even with a valid merchant_uid.
    const record = req.imp_uid
      ? this.payments.get(req.imp_uid)
      : (this.byMerchantUid.get(req.merchant_uid as string) ?? [])
          .filter((r) => r.payment.paid_at > 0)
          .sort((a, b) => b.seq - a.seq)[0];
    if (!record || record.payment.paid_at === 0) return refuse(MSG.nothingToCancel);
    const p = record.payment;
    const cancellable = p.amount - p.cancel_amount;
    if (cancellable <= 0) return refuse(MSG.alreadyFullyCancelled);
    if (req.checksum !== undefined && req.checksum !== cancellable) {
      return refuse(`[checksum] 취소가능잔액(${cancellable})이 요청하신 checksum(${req.checksum})과 일치하지 않습니다. 취소가 진행되지 않았습니다.`);
    }
    const amount = req.amount === undefined || req.amount === 0 ? cancellable : req.amount;
    if (!(amount > 0)) return refuse('취소요청금액이 올바르지 않습니다.');
    if (amount > cancellable) {
      return refuse(`결제취소에 실패하였습니다.(취소요청금액(${amount})이 취소가능금액(${cancellable})을 초과합니다.)`);
    }
    const now = this.nowSeconds();
    const cancellationId = `cancel_${randomBytes(6).toString('hex')}`;
    p.cancel_amount += amount;
    p.status = 'cancelled'; // V1 flips to cancelled on the first partial cancel too (IAMPORT_V1.md §4)
    p.cancelled_at = now;
    p.cancel_reason = req.reason;
    const receipt = `${this.opts.receiptBase}/${p.imp_uid}?cancellation_id=${cancellationId}`;
    p.cancel_history.push({ pg_tid: p.pg_tid, amount, cancelled_at: now, reason: req.reason, receipt_url: receipt, cancellation_id: cancellationId });
    p.cancel_receipt_urls.push(receipt);
    record.updatedSeq = ++this.seq;
    this.persist(KIND.payment, p.imp_uid, record);
    this.opts.onStateChange(p, record.noticeUrl);
    return { ok: true, value: p };
  }

  // --- billing keys -------------------------------------------------------

  getCustomer(uid: string): Outcome<IamportCustomer> {
    const c = this.customers.get(uid);
    return c ? { ok: true, value: c.customer } : refuse(customerNotFound(uid), 1, 404);
  }

  /** `POST /subscribe/customers/:uid`: a test card number picks the kind; any other well-formed number approves. */
  registerCustomer(uid: string, cardNumber: string, expiry: string, extra: Partial<IamportCustomer>, pg: string | null): Outcome<IamportCustomer> {
    const digits = cardNumber.replace(/\D/g, '');
    if (digits.length < 14 || digits.length > 16 || !/^\d{4}-?\d{2}$/.test(expiry)) return refuse(MSG.cardAuthFailed, -1);
    const kind = (Object.values(TEST_CARDS).find((c) => c.number.replace(/\D/g, '') === digits)?.kind) ?? 'success';
    const [pgProvider, mid] = (pg ?? 'html5_inicis').split('.');
    const customer = this.storeCustomer(uid, kind, pgProvider || 'html5_inicis', mid || 'INIBillTst', extra, maskCardNumber(cardNumber));
    return { ok: true, value: customer };
  }

  deleteCustomer(uid: string): Outcome<IamportCustomer> {
    const c = this.customers.get(uid);
    if (!c) return refuse(customerNotFound(uid), 1, 404);
    this.customers.delete(uid);
    this.persist(KIND.customer, uid, null);
    return { ok: true, value: c.customer };
  }

  setCustomerCard(uid: string, kind: CardKind): Outcome<IamportCustomer> {
    const c = this.customers.get(uid);
    if (!c) return refuse(customerNotFound(uid), 1, 404);
    c.card = kind;
    c.customer.updated = this.nowSeconds();
    this.persist(KIND.customer, uid, c);
    return { ok: true, value: c.customer };
  }

  /** `POST /subscribe/payments/again`: a decline is code 0 with a `failed` payment, as Iamport answers. */
  chargeAgain(req: AgainRequest): Outcome<IamportPayment> {
    const c = this.customers.get(req.customer_uid);
    if (!c) return refuse(MSG.unknownBuyer, -1);
    const check = this.checkPayable(req.merchant_uid, req.amount, req.currency);
    if (!check.ok) return check;
    const card = TEST_CARDS[c.card];
    const payment = this.newPayment({
      merchant_uid: req.merchant_uid,
      amount: req.amount,
      currency: req.currency ?? 'KRW',
      pay_method: 'card',
      channel: 'api',
      pg_provider: c.customer.pg_provider,
      pg_id: c.customer.pg_id,
      name: req.name,
      buyer_name: req.buyer_name ?? c.customer.customer_name,
      buyer_email: req.buyer_email ?? c.customer.customer_email,
      buyer_tel: req.buyer_tel ?? c.customer.customer_tel,
      buyer_addr: c.customer.customer_addr,
      buyer_postcode: c.customer.customer_postcode,
      custom_data: req.custom_data,
      user_agent: 'sorry_not_supported',
      customer_uid: req.customer_uid,
      customer_uid_usage: 'payment',
    }, card);
    payment.card_number = c.customer.card_number;
    this.settle(payment, card.decline ? { failReason: card.decline.reason } : 'paid');
    return this.commit(payment, req.notice_url);
  }

  // --- internals ----------------------------------------------------------

  private storeCustomer(uid: string, kind: CardKind, pgProvider: string, pgId: string, extra: Partial<IamportCustomer>, cardNumber?: string): IamportCustomer {
    const now = this.nowSeconds();
    const card = TEST_CARDS[kind];
    const previous = this.customers.get(uid);
    const customer: IamportCustomer = {
      customer_uid: uid,
      pg_provider: pgProvider,
      pg_id: pgId,
      sandbox: true,
      customer_id: extra.customer_id ?? null,
      card_name: card.cardName,
      card_code: card.cardCode,
      card_number: cardNumber ?? maskCardNumber(card.number),
      card_type: 0,
      customer_name: extra.customer_name ?? null,
      customer_tel: extra.customer_tel ?? null,
      customer_email: extra.customer_email ?? null,
      customer_addr: extra.customer_addr ?? null,
      customer_postcode: extra.customer_postcode ?? null,
      inserted: previous?.customer.inserted ?? now,
      updated: now,
    };
    // Reusing a customer_uid rebinds it to the newest card (IAMPORT_V1.md §3.4).
    const record = { customer, card: kind };
    this.customers.set(uid, record);
    this.persist(KIND.customer, uid, record);
    return customer;
  }

  private newImpUid(): string {
    for (;;) {
      const uid = `imp_${String(randomInt(0, 1e12)).padStart(12, '0')}`;
      if (!this.payments.has(uid)) return uid;
    }
  }

  private newPayment(
    f: Pick<IamportPayment, 'merchant_uid' | 'amount' | 'currency' | 'pay_method' | 'channel' | 'pg_provider' | 'pg_id' | 'name'
      | 'buyer_name' | 'buyer_email' | 'buyer_tel' | 'buyer_addr' | 'buyer_postcode' | 'user_agent' | 'customer_uid' | 'customer_uid_usage'>
      & { custom_data: unknown },
    card: TestCard,
  ): IamportPayment {
    const impUid = this.newImpUid();
    const pgTid = `StdpayCARD${f.pg_id}${String(this.nowSeconds())}${randomBytes(3).toString('hex')}`;
    return {
      ...f,
      imp_uid: impUid,
      cancel_amount: 0,
      status: 'ready',
      emb_pg_provider: null,
      pg_tid: pgTid,
      escrow: false,
      apply_num: '',
      bank_code: null,
      bank_name: null,
      card_code: card.cardCode,
      card_name: card.cardName,
      card_quota: 0,
      card_number: maskCardNumber(card.number),
      card_type: 0,
      // Iamport stores custom_data as a JSON string.
      custom_data: f.custom_data === undefined || f.custom_data === null ? null
        : typeof f.custom_data === 'string' ? f.custom_data : JSON.stringify(f.custom_data),
      started_at: this.nowSeconds(),
      paid_at: 0,
      failed_at: 0,
      cancelled_at: 0,
      fail_reason: null,
      cancel_reason: null,
      receipt_url: `${this.opts.receiptBase}/${impUid}`,
      cancel_history: [],
      cancel_receipt_urls: [],
      cash_receipt_issued: false,
      sandbox: true,
    };
  }

  private settle(p: IamportPayment, result: 'paid' | { failReason: string }): void {
    const now = this.nowSeconds();
    if (result === 'paid') {
      p.status = 'paid';
      p.paid_at = now;
      p.apply_num = String(randomInt(10_000_000, 100_000_000));
    } else {
      p.status = 'failed';
      p.failed_at = now;
      p.fail_reason = result.failReason;
    }
  }

  private commit(p: IamportPayment, noticeUrl: string | null): Outcome<IamportPayment> {
    const seq = ++this.seq;
    const record = { payment: p, seq, updatedSeq: seq, noticeUrl };
    this.payments.set(p.imp_uid, record);
    this.byMerchantUid.set(p.merchant_uid, [...(this.byMerchantUid.get(p.merchant_uid) ?? []), record]);
    this.persist(KIND.payment, p.imp_uid, record);
    this.opts.onStateChange(p, noticeUrl);
    return { ok: true, value: p };
  }
}
