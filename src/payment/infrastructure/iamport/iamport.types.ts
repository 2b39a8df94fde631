// The wire shapes of Iamport's V1 REST API that the adapter reads and sends (IAMPORT_V1.md §2-4).
// Only the fields memberpay uses are typed; Iamport sends many more.

/** Every answer, whatever its HTTP status: code 0 = success, anything else = a refusal with a message. */
export interface IamportEnvelope<T> {
  code: number;
  message: string | null;
  response: T | null;
}

/** `POST /users/getToken`: `now` and `expired_at` are the server's unix seconds. */
export interface IamportToken {
  access_token: string;
  now: number;
  expired_at: number;
}

export type IamportPaymentStatus = 'ready' | 'paid' | 'failed' | 'cancelled';

export interface IamportCancelHistoryEntry {
  pg_tid: string | null;
  amount: number;
  cancelled_at: number;
  reason: string | null;
  receipt_url: string | null;
  cancellation_id?: string | null;
}

/** The V1 Payment object; times are unix seconds with 0 meaning "has not happened". */
export interface IamportPayment {
  imp_uid: string;
  merchant_uid: string;
  amount: number;
  cancel_amount: number;
  status: IamportPaymentStatus;
  paid_at: number;
  failed_at?: number;
  cancelled_at?: number;
  fail_reason: string | null;
  cancel_reason?: string | null;
  cancel_history?: IamportCancelHistoryEntry[] | null;
  customer_uid?: string | null;
  /** Card payments: the card company's approval number, and the card number as Iamport masks it. */
  apply_num?: string | null;
  card_number?: string | null;
}

/** `GET /payments/findAll/{merchant_uid}` pages its answer. */
export interface IamportPage<T> {
  total: number;
  previous: number;
  next: number;
  list: T[];
}

export interface IamportPrepareBody {
  merchant_uid: string;
  amount: number;
}

export interface IamportCancelBody {
  imp_uid: string;
  merchant_uid: string;
  amount: number;
  checksum: number;
  reason: string;
}

export interface IamportAgainBody {
  customer_uid: string;
  merchant_uid: string;
  amount: number;
  name: string;
  buyer_name?: string;
  buyer_email?: string;
}
