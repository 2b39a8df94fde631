import { readOptionalTime, readTime } from '../../shared/infrastructure/knex/knex-database';
import { type Cancellation, type FailureCode, type GatewayName, Payment, type PaymentProps, type PaymentStatus, type Requester } from '../domain/payment.entity';

export interface PaymentRow {
  id: string;
  merchant_uid: string;
  user_id: string;
  purpose_kind: string;
  plan_id: string;
  membership_id: string | null;
  period_no: number | null;
  amount: number;
  pay_method: string;
  /** NULL only in a row a version before 20261217000000 wrote; 20261224000000 filled those. */
  gateway: string | null;
  pg: string;
  status: string;
  gateway_payment_id: string | null;
  reported_gateway_payment_id: string | null;
  recheck_at: unknown;
  customer_uid: string | null;
  card_approval_number: string | null;
  card_masked: string | null;
  failure_code: string | null;
  failure_message: string | null;
  prepared_at: unknown;
  paid_at: unknown;
  cancelled_amount: number;
  /** Lets a read skip payment_cancellations for the payments that have none. */
  cancellation_count: number;
  fulfilled_at: unknown;
  version: number;
  created_at: unknown;
  updated_at: unknown;
}

export interface CancellationRow {
  id: string;
  payment_id: string;
  position: number;
  kind: string;
  gateway_payment_id: string;
  amount: number;
  checksum: number;
  reason: string;
  requested_by: string;
  requested_at: unknown;
  status: string;
  settled_at: unknown;
  gateway_message: string | null;
  unanswered_at: unknown;
}

/** Row <-> aggregate for payments. Times go out as Dates (the driver stores them) and come back through readTime. */
/** A payment's gateway is data, never guessed: a row without one was written by a version whose rows the migrations fill. */
function gatewayOf(row: PaymentRow): GatewayName {
  if (row.gateway === null) throw new Error(`payment ${row.id} records no gateway: run the migrations (20261224000000 fills rows older versions wrote)`);
  return row.gateway;
}

export const paymentMapper = {
  /** The payments row as it is after a successful save (version already the stored one). */
  toRow(payment: Payment, storedVersion: number): PaymentRow {
    const p = payment.toProps();
    return {
      id: p.id,
      merchant_uid: p.merchantUid,
      user_id: p.userId,
      purpose_kind: p.purpose.kind,
      plan_id: p.purpose.planId,
      membership_id: p.purpose.membershipId ?? null,
      period_no: p.purpose.periodNo ?? null,
      amount: p.amount,
      pay_method: p.payMethod,
      gateway: p.gateway,
      pg: p.pg,
      status: p.status,
      gateway_payment_id: p.gatewayPaymentId,
      reported_gateway_payment_id: p.reportedGatewayPaymentId,
      recheck_at: p.recheckAt,
      customer_uid: p.customerUid,
      card_approval_number: p.card?.approvalNumber ?? null,
      card_masked: p.card?.maskedNumber ?? null,
      failure_code: p.failure?.code ?? null,
      failure_message: p.failure?.message ?? null,
      prepared_at: p.preparedAt,
      paid_at: p.paidAt,
      cancelled_amount: p.cancelledAmount,
      cancellation_count: p.cancellations.length,
      fulfilled_at: p.fulfilledAt,
      version: storedVersion,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    };
  },

  toCancellationRows(payment: Payment): CancellationRow[] {
    return payment.toProps().cancellations.map((c, position) => ({
      id: c.id,
      payment_id: payment.id,
      position,
      kind: c.kind,
      gateway_payment_id: c.gatewayPaymentId,
      amount: c.amount,
      checksum: c.checksum,
      reason: c.reason,
      requested_by: c.requestedBy,
      requested_at: c.requestedAt,
      status: c.status,
      settled_at: c.settledAt,
      gateway_message: c.gatewayMessage,
      unanswered_at: c.unansweredAt,
    }));
  },

  /** `cancellations` are this payment's rows, in any order. */
  toAggregate(row: PaymentRow, cancellations: CancellationRow[]): Payment {
    const purpose: PaymentProps['purpose'] = { kind: row.purpose_kind as 'purchase' | 'renewal', planId: row.plan_id };
    if (row.membership_id !== null) purpose.membershipId = row.membership_id;
    if (row.period_no !== null) purpose.periodNo = Number(row.period_no);
    return Payment.restore({
      id: row.id,
      merchantUid: row.merchant_uid,
      userId: row.user_id,
      purpose,
      amount: Number(row.amount),
      payMethod: row.pay_method,
      gateway: gatewayOf(row),
      pg: row.pg,
      status: row.status as PaymentStatus,
      gatewayPaymentId: row.gateway_payment_id,
      reportedGatewayPaymentId: row.reported_gateway_payment_id,
      recheckAt: readOptionalTime(row.recheck_at),
      customerUid: row.customer_uid,
      ...(row.card_approval_number === null && row.card_masked === null ? {} : { card: { approvalNumber: row.card_approval_number, maskedNumber: row.card_masked } }),
      failure: row.failure_code === null ? null : { code: row.failure_code as FailureCode, message: row.failure_message ?? '' },
      preparedAt: readOptionalTime(row.prepared_at),
      paidAt: readOptionalTime(row.paid_at),
      cancelledAmount: Number(row.cancelled_amount),
      cancellations: [...cancellations].sort((a, b) => Number(a.position) - Number(b.position)).map(toCancellation),
      fulfilledAt: readOptionalTime(row.fulfilled_at),
      version: Number(row.version),
      createdAt: readTime(row.created_at),
      updatedAt: readTime(row.updated_at),
    });
  },
};

export function toCancellation(row: CancellationRow): Cancellation {
  return {
    id: row.id,
    kind: row.kind as Cancellation['kind'],
    gatewayPaymentId: row.gateway_payment_id,
    amount: Number(row.amount),
    checksum: Number(row.checksum),
    reason: row.reason,
    requestedBy: row.requested_by as Requester,
    requestedAt: readTime(row.requested_at),
    status: row.status as Cancellation['status'],
    settledAt: readOptionalTime(row.settled_at),
    gatewayMessage: row.gateway_message,
    unansweredAt: readOptionalTime(row.unanswered_at),
  };
}
